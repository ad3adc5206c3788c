// `vfkeeper status` for a person: one block per PF, one line per VF.
import type { PfStatus, StaticVfsStatus, StatusView, VfSettingsStatus, VfStatus } from './status.js';

function pfLine(pf: PfStatus): string {
  const link = pf.link ? `${pf.link.up ? 'up' : 'DOWN'} mtu ${pf.link.mtu}` : 'no netdev';
  return `PF ${pf.pci}  ${pf.netdev ?? '-'}  driver ${pf.driver ?? 'NONE'}  firmware ${pf.firmware ?? '?'}  ${link}  VFs ${pf.numvfs}/${pf.totalvfs}\n`;
}

/** "vlan 100/3 spoofchk off trust on link auto rate 1000/0": what differs from a fresh VF is what an operator set. */
function settingsWords(s: VfSettingsStatus | null): string {
  if (s === null) return '';
  const onOff = (b: boolean | null): string => (b === null ? '?' : b ? 'on' : 'off');
  const vlan = s.vlan === 0 ? 'vlan -' : `vlan ${s.vlan}${s.qos ? `/${s.qos}` : ''}${s.vlan_proto === '802.1ad' ? ' 802.1ad' : ''}`;
  const rate = s.max_tx_rate || s.min_tx_rate ? `  rate ${s.max_tx_rate}/${s.min_tx_rate}` : '';
  return `  ${vlan}  spoofchk ${onOff(s.spoofchk)}  trust ${onOff(s.trust)}  link ${s.link_state ?? '?'}${rate}`;
}

function vfLine(vf: VfStatus): string {
  // A daemon of an earlier version answers without relay.static.
  const relay =
    vf.relay.virtio_id === null ? '-' : `relay ${vf.relay.virtio_id} ${vf.relay.state}${vf.relay.static === true ? ' (static)' : ''}`;
  const use = vf.in_use_by.length > 0 ? `  in use by ${vf.in_use_by.join(',')}` : '';
  const pkts = vf.relay.counters?.['pkts_rx_from_vf'];
  const moving = pkts !== undefined && pkts > 0 ? `  ${pkts} pkts from VF` : '';
  return `  VF ${String(vf.index).padStart(3)}  ${vf.pci}  ${(vf.driver ?? 'unbound').padEnd(9)}  iommu ${(vf.iommu_group ?? 'NONE').padEnd(4)}  ${vf.mac ?? '-'}${settingsWords(vf.settings)}  ${relay}${use}${moving}\n`;
}

export function formatStatus(view: StatusView): string {
  const out: string[] = [];
  if (view.paused) out.push(`PAUSED: ${view.pause_reason ?? 'no reason given'} (vfkeeper resume)\n`);
  if (!view.forwarder.reachable)
    out.push(`forwarder: ${view.forwarder.state === 'waiting' ? 'waiting' : 'unreachable'} (${view.forwarder.reason ?? '?'})\n`);
  if (view.pfs.length === 0) out.push('No managed PF found.\n');
  for (const pf of view.pfs) {
    out.push(pfLine(pf));
    for (const vf of pf.vfs) out.push(vfLine(vf));
  }
  // A daemon of an earlier version answers without rules and warnings.
  for (const r of view.rules ?? [])
    out.push(`rule ${r.rule} (match ${r.match}): ${r.pfs.length > 0 ? r.pfs.join(' ') : 'matches nothing'}\n`);
  for (const w of view.warnings ?? []) out.push(`WARN: ${w}\n`);
  out.push(staticLine(view.static_vfs ?? null));
  out.push(convergenceLines(view));
  return out.join('');
}

/** The last word: converged, or what is left (the first few; `status --json` has them all). */
function convergenceLines(view: StatusView): string {
  if (view.converged) return 'Converged: the host is as configured.\n';
  const shown = view.not_converged.slice(0, MAX_REASONS).map((r) => `  ${r}\n`);
  const more = view.not_converged.length - shown.length;
  return `Not converged:\n${shown.join('')}${more > 0 ? `  ... and ${more} more (vfkeeper reconcile --dry-run)\n` : ''}`;
}

const MAX_REASONS = 8;

/** The forwarder's static VFs: which, from where, or why they are unknown. */
function staticLine(s: StaticVfsStatus | null): string {
  if (s === null) return '';
  if (s.error !== null) return `WARN: static VFs unknown, relays left as they are: ${s.error}\n`;
  if (s.vfs.length === 0) return '';
  return `static VFs (the forwarder's own, VIRTIOFWD_STATIC_VFS in ${s.file}): ${s.vfs.map((v) => `${v.pci}=${v.virtio_id}`).join(' ')}\n`;
}
