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

/** The whole of what the guide asks for in the domain: memory backing, NUMA with shared memory, and the interface. */
export function formatFullXml(i: InterfaceXmlInput): string {
  const iface = formatInterfaceXml(i)
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return [
    `<!-- merge into the domain XML (virsh edit): 1G hugepages, memory shared with virtio-forwarder -->`,
    `<domain type='kvm'>`,
    `  <memoryBacking>`,
    `    <hugepages>`,
    `      <page size='1048576' unit='KiB' nodeset='0'/>`,
    `    </hugepages>`,
    `  </memoryBacking>`,
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
