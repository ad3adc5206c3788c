// NUMA facts as the kernel and virtio-forwarder write them: CPU lists
// ("0-3,8-11", /sys/devices/system/node/nodeN/cpulist) and the forwarder's
// VIRTIOFWD_CPU_MASK (a list like "1,2" or a hex bitmap like "0x6"). Pure.

/** "0-3,8" or "1,2" -> [0,1,2,3,8]; "0x6" -> [1,2]; null when it is neither. */
export function parseCpuSpec(text: string): number[] | null {
  const t = text.trim();
  if (t === '') return null;
  if (/^0x[0-9a-f]+$/i.test(t)) {
    const bits = BigInt(t);
    const cpus: number[] = [];
    for (let i = 0; bits >> BigInt(i) !== 0n; i++) if ((bits >> BigInt(i)) & 1n) cpus.push(i);
    return cpus;
  }
  const cpus = new Set<number>();
  for (const part of t.split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) return null;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to - from > 4096) return null;
    for (let c = from; c <= to; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** [0,1,2,3,8] -> "0-3,8". */
export function formatCpuList(cpus: readonly number[]): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    out.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** The nodes the CPUs sit on, given each node's CPUs. */
export function nodesOfCpus(cpus: readonly number[], nodes: ReadonlyMap<number, readonly number[]>): number[] {
  const found = new Set<number>();
  for (const [node, list] of nodes) if (cpus.some((c) => list.includes(c))) found.add(node);
  return [...found].sort((a, b) => a - b);
}
