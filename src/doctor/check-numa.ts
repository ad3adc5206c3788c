// numa: the PF, the CPUs virtio-forwarder polls on (VIRTIOFWD_CPU_MASK) and
// the reserved hugepages on one NUMA node. A forwarder polling from another
// node than its NIC, or VM memory from a node without hugepages, crosses the
// interconnect for every packet. Reads /sys/devices/system/node under the root.
import { formatCpuList, nodesOfCpus, parseCpuSpec } from '../model/numa.js';
import { pfName, readEnvFile, readPfs } from './read-inputs.js';
import { pass, skip, warn, type Check, type DoctorContext } from './types.js';

const NODES = '/sys/devices/system/node';

interface NodeFacts {
  cpus: number[];
  pages2m: number;
  pages1g: number;
}

async function readCount(ctx: DoctorContext, path: string): Promise<number> {
  const t = await ctx.files.readText(path);
  return t.ok && /^\d+\s*$/.test(t.value) ? Number(t.value.trim()) : 0;
}

async function readNodes(ctx: DoctorContext): Promise<Map<number, NodeFacts> | string> {
  const names = await ctx.files.list(NODES);
  if (!names.ok) return names.reason;
  const nodes = new Map<number, NodeFacts>();
  for (const name of names.value) {
    const m = /^node(\d+)$/.exec(name);
    if (!m) continue;
    const dir = `${NODES}/${name}`;
    const cpulist = await ctx.files.readText(`${dir}/cpulist`);
    nodes.set(Number(m[1]), {
      cpus: cpulist.ok ? (parseCpuSpec(cpulist.value) ?? []) : [],
      pages2m: await readCount(ctx, `${dir}/hugepages/hugepages-2048kB/nr_hugepages`),
      pages1g: await readCount(ctx, `${dir}/hugepages/hugepages-1048576kB/nr_hugepages`),
    });
  }
  return nodes;
}

async function readForwarderCpus(ctx: DoctorContext): Promise<number[] | null> {
  const env = await readEnvFile(ctx, ctx.config.forwarder.envFile);
  const mask = env.ok ? env.value.vars.get('VIRTIOFWD_CPU_MASK') : undefined;
  return mask === undefined ? null : parseCpuSpec(mask);
}

export const checkNuma: Check = async (ctx) => {
  const nodes = await readNodes(ctx);
  if (typeof nodes === 'string') return skip('numa', nodes);
  if (nodes.size <= 1) return pass('numa', `one NUMA node (${NODES}): the PF, the forwarder and the hugepages cannot sit apart`);
  const pfs = await readPfs(ctx);
  const placed = pfs.ok ? pfs.value.filter((p) => p.numaNode !== null) : [];
  const fwdCpus = await readForwarderCpus(ctx);
  const cpuMap = new Map([...nodes].map(([n, f]) => [n, f.cpus] as const));
  const fwdNodes = fwdCpus === null ? [] : nodesOfCpus(fwdCpus, cpuMap);
  const target = placed[0]?.numaNode ?? fwdNodes[0] ?? null;
  if (target === null) return skip('numa', 'no managed PF reports a NUMA node and VIRTIOFWD_CPU_MASK is not set');
  const pages = [...nodes].map(([n, f]) => `node${n} ${f.pages2m}x2M ${f.pages1g}x1G`).join(', ');
  const evidence = [
    placed.length > 0 ? placed.map((p) => `PF ${pfName(p)} on node ${p.numaNode}`).join(', ') : 'no PF reports a NUMA node',
    fwdCpus === null
      ? 'VIRTIOFWD_CPU_MASK not set'
      : `forwarder CPUs ${formatCpuList(fwdCpus)} (VIRTIOFWD_CPU_MASK) on node ${fwdNodes.join(',')}`,
    `hugepages: ${pages}`,
  ].join('; ');
  const pfNodes = [...new Set(placed.map((p) => p.numaNode))];
  const here = nodes.get(target);
  const apart =
    pfNodes.length > 1 ||
    fwdNodes.some((n) => n !== target) ||
    (here !== undefined && here.pages2m === 0 && here.pages1g === 0 && [...nodes.values()].some((f) => f.pages2m + f.pages1g > 0));
  if (!apart) return pass('numa', evidence);
  const cpus = formatCpuList(here?.cpus ?? []);
  const dir = `${NODES}/node${target}/hugepages`;
  return warn(
    'numa',
    evidence,
    `keep them on node ${target}: VIRTIOFWD_CPU_MASK=<CPUs of node ${target}: ${cpus}> in ${ctx.config.forwarder.envFile}, systemctl restart virtio-forwarder; ` +
      `echo 1375 > ${dir}/hugepages-2048kB/nr_hugepages and echo 8 > ${dir}/hugepages-1048576kB/nr_hugepages; ` +
      `vfkeeper libvirt-xml --full puts the VM's memory on node ${target}`,
  );
};
