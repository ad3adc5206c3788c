// The VM side of a relay, as the guide's "Modify guest VM XML files" shows
// it: a vhostuser interface with the VF's MAC (else the NIC drops the VM's
// traffic) and, with --full, the hugepage and shared-memory NUMA elements
// virtio-forwarder needs. Pure.

export interface InterfaceXmlInput {
  virtioId: number;
  mac: string;
  socket: string;
  vf: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/'/g, '&apos;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function formatInterfaceXml(i: InterfaceXmlInput): string {
  return [
    `<!-- relay ${i.virtioId}: VF ${i.vf} -->`,
    `<interface type='vhostuser'>`,
    `  <mac address='${esc(i.mac)}'/>`,
    `  <source type='unix' path='${esc(i.socket)}' mode='client'/>`,
    `  <model type='virtio'/>`,
    `  <alias name='ua-vfkeeper-relay${i.virtioId}'/>`,
    `</interface>`,
  ].join('\n');
}

/** Where the VM's memory should come from: the PF's NUMA node, and the CPUs virtio-forwarder polls on. */
export interface NumaPlacement {
  /** The host NUMA node of the PF (numa_node); null when the kernel reports none (a one-node host). */
  node: number | null;
  /** VIRTIOFWD_CPU_MASK as a CPU list ("1-2"), null when none is set. */
  forwarderCpus: string | null;
}

function numaComments(i: InterfaceXmlInput, numa: NumaPlacement): string[] {
  const where =
    numa.node === null
      ? `the PF of ${i.vf} reports no NUMA node (numa_node -1: one node), so node 0`
      : `host NUMA node ${numa.node}: the node of the PF of ${i.vf} (its numa_node), where the VF's DMA goes`;
  const out = [`<!-- hugepages and guest memory from ${where} -->`];
  if (numa.forwarderCpus !== null)
    out.push(
      `<!-- virtio-forwarder polls on host CPUs ${numa.forwarderCpus} (VIRTIOFWD_CPU_MASK): pin the VM's vCPUs elsewhere on the same node -->`,
    );
  return out;
}

/** The whole of what the guide asks for in the domain: memory backing, NUMA with shared memory, and the interface. */
export function formatFullXml(i: InterfaceXmlInput, numa: NumaPlacement = { node: null, forwarderCpus: null }): string {
  const node = numa.node ?? 0;
  const iface = formatInterfaceXml(i)
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return [
    `<!-- merge into the domain XML (virsh edit): 1G hugepages, memory shared with virtio-forwarder -->`,
    ...numaComments(i, numa),
    `<domain type='kvm'>`,
    `  <memoryBacking>`,
    `    <hugepages>`,
    `      <page size='1048576' unit='KiB' nodeset='${node}'/>`,
    `    </hugepages>`,
    `  </memoryBacking>`,
    `  <numatune>`,
    `    <memnode cellid='0' mode='strict' nodeset='${node}'/>`,
    `  </numatune>`,
    `  <cpu mode='host-model'>`,
    `    <numa>`,
    `      <cell id='0' cpus='0-1' memory='3670016' unit='KiB' memAccess='shared'/>`,
    `    </numa>`,
    `  </cpu>`,
    `  <devices>`,
    iface,
    `  </devices>`,
    `</domain>`,
  ].join('\n');
}
