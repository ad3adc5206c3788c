// `vfkeeper status` for a person: one block per PF, one line per VF.
import type { PfStatus, StatusView, VfStatus } from './status.js';

function pfLine(pf: PfStatus): string {
  const link = pf.link ? `${pf.link.up ? 'up' : 'DOWN'} mtu ${pf.link.mtu}` : 'no netdev';
  return `PF ${pf.pci}  ${pf.netdev ?? '-'}  driver ${pf.driver ?? 'NONE'}  firmware ${pf.firmware ?? '?'}  ${link}  VFs ${pf.numvfs}/${pf.totalvfs}\n`;
}

function vfLine(vf: VfStatus): string {
  const relay = vf.relay.virtio_id === null ? '-' : `relay ${vf.relay.virtio_id} ${vf.relay.state}`;
  const use = vf.in_use_by.length > 0 ? `  in use by ${vf.in_use_by.join(',')}` : '';
  const pkts = vf.relay.counters?.['pkts_rx_from_vf'];
  const moving = pkts !== undefined && pkts > 0 ? `  ${pkts} pkts from VF` : '';
  return `  VF ${String(vf.index).padStart(3)}  ${vf.pci}  ${(vf.driver ?? 'unbound').padEnd(9)}  iommu ${(vf.iommu_group ?? 'NONE').padEnd(4)}  ${vf.mac ?? '-'}  ${relay}${use}${moving}\n`;
}

export function formatStatus(view: StatusView): string {
  const out: string[] = [];
  if (view.paused) out.push(`PAUSED: ${view.pause_reason ?? 'no reason given'} (vfkeeper resume)\n`);
  if (!view.forwarder.reachable) out.push(`forwarder: unreachable (${view.forwarder.reason ?? '?'})\n`);
  if (view.pfs.length === 0) out.push('No managed PF found.\n');
  for (const pf of view.pfs) {
    out.push(pfLine(pf));
    for (const vf of pf.vfs) out.push(vfLine(vf));
  }
  // A daemon of an earlier version answers without rules and warnings.
  for (const r of view.rules ?? [])
    out.push(`rule ${r.rule} (match ${r.match}): ${r.pfs.length > 0 ? r.pfs.join(' ') : 'matches nothing'}\n`);
  for (const w of view.warnings ?? []) out.push(`WARN: ${w}\n`);
  return out.join('');
}
