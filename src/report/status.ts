// The whole chain per VF, as `vfkeeper status` shows it: firmware, count,
// driver, IOMMU group and who holds it, MAC, relay, VM connected, packets.
// Pure: built from an observation and the configuration.
import type { Config } from '../model/config.js';
import { isRelayAttached, type Observed, type ObservedRelay, type RelayCounters } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import { assessConvergence } from '../plan/convergence.js';
import { wantedRelays } from '../plan/plan-relays.js';
import type { ObservedVfSettings } from '../model/vf-settings.js';
import { currentRelayNumbers } from '../plan/relay-numbers.js';
import { planUnmatchedRules, ruleMatchesOf, type RuleMatch } from '../plan/plan-rules.js';
import { findStatic, type StaticVf } from '../model/static-vfs.js';

export type RelayState = 'absent' | 'detached' | 'attached' | 'vm-connected' | 'unknown';
export type ForwarderState = 'answered' | 'waiting' | 'unreachable' | 'off';

export interface VfStatus {
  index: number;
  pci: PciAddress;
  driver: string | null;
  mac: string | null;
  iommu_group: string | null;
  in_use_by: string[];
  /** As the PF reports them (ip -d link show PF); null when it cannot (no PF netdev). */
  settings: VfSettingsStatus | null;
  /** static: the forwarder attaches this VF by itself (VIRTIOFWD_STATIC_VFS); vfkeeper leaves its relay alone. */
  relay: { virtio_id: number | null; state: RelayState; static: boolean; socket?: string; counters?: RelayCounters };
}

/** The forwarder's static VFs as read from its environment file, or why they could not be. */
export interface StaticVfsStatus {
  file: string;
  vfs: Array<{ pci: PciAddress; virtio_id: number }>;
  error: string | null;
}

export interface VfSettingsStatus {
  vlan: number;
  qos: number;
  vlan_proto: string;
  spoofchk: boolean | null;
  trust: boolean | null;
  link_state: string | null;
  max_tx_rate: number;
  min_tx_rate: number;
  query_rss: boolean | null;
}

export interface PfStatus {
  pci: PciAddress;
  netdev: string | null;
  driver: string | null;
  firmware: string | null;
  link: { up: boolean; mtu: number } | null;
  numvfs: number;
  totalvfs: number;
  autoprobe: boolean | null;
  vfs: VfStatus[];
}

export interface StatusView {
  pfs: PfStatus[];
  /** Each configured rule and the PFs it manages (additive to cli.md's shape). */
  rules: RuleMatch[];
  /** What deserves a look, in words (a rule matching nothing...). */
  warnings: string[];
  paused: boolean;
  pause_reason: string | null;
  /** `state`: answered, waiting (took the query, no answer yet), unreachable, or off (forwarder.enabled: false). */
  forwarder: { reachable: boolean; reason: string | null; state: ForwarderState };
  /** VIRTIOFWD_STATIC_VFS (additive to cli.md's shape); null when relay management is off. */
  static_vfs: StaticVfsStatus | null;
  /** The host is as configured: nothing left to do, nothing refused (what configuration management waits for). */
  converged: boolean;
  /** Why not: each step still to do and each refusal, in words. */
  not_converged: string[];
}

export function buildStatus(config: Config, observed: Observed, pause: { paused: boolean; reason: string | null }): StatusView {
  const vfsAfter = new Map(observed.pfs.flatMap((pf) => pf.vfs.map((vf) => [vf.pci, { driver: vf.driver, pf: pf.pci }] as const)));
  const wanted = config.forwarder.enabled ? wantedRelays(config, observed.pfs, vfsAfter, currentRelayNumbers(config, observed)) : [];
  const relays = observed.forwarder.reachable ? observed.forwarder.relays : null;
  const convergence = assessConvergence(config, observed);
  const statics = observed.staticVfs?.entries ?? [];
  return {
    pfs: observed.pfs.map((pf) => ({
      pci: pf.pci,
      netdev: pf.netdev,
      driver: pf.driver,
      firmware: pf.firmware,
      link: pf.link,
      numvfs: pf.numVfs,
      totalvfs: pf.totalVfs,
      autoprobe: pf.autoprobe,
      vfs: pf.vfs.map((vf) => ({
        index: vf.index,
        pci: vf.pci,
        driver: vf.driver,
        mac: vf.mac,
        iommu_group: vf.iommuGroup,
        in_use_by: vf.vfioHolders,
        settings: settingsStatus(vf.settings),
        relay: relayOf(vf.pci, wanted, statics, relays),
      })),
    })),
    rules: ruleMatchesOf(config, observed.ruleMatches),
    warnings: planUnmatchedRules(config, observed.ruleMatches).map((w) => w.why),
    paused: pause.paused,
    pause_reason: pause.reason,
    forwarder: forwarderStatus(config, observed.forwarder),
    static_vfs:
      observed.staticVfs === null
        ? null
        : {
            file: observed.staticVfs.file,
            vfs: observed.staticVfs.entries.map((s) => ({ pci: s.pci, virtio_id: s.virtioId })),
            error: observed.staticVfs.error,
          },
    converged: convergence.converged,
    not_converged: convergence.reasons,
  };
}

export function forwarderStatus(config: Config, f: Observed['forwarder']): StatusView['forwarder'] {
  if (f.reachable) return { reachable: true, reason: null, state: 'answered' };
  const state = !config.forwarder.enabled ? 'off' : f.pending === true ? 'waiting' : 'unreachable';
  return { reachable: false, reason: f.reason, state };
}

function settingsStatus(s: ObservedVfSettings | null): VfSettingsStatus | null {
  if (s === null) return null;
  return {
    vlan: s.vlan.id,
    qos: s.vlan.qos,
    vlan_proto: s.vlan.proto,
    spoofchk: s.spoofchk,
    trust: s.trust,
    link_state: s.linkState,
    max_tx_rate: s.rate.max,
    min_tx_rate: s.rate.min,
    query_rss: s.queryRss,
  };
}

/** A static VF shows the forwarder's own number; any other the number vfkeeper wants for it. */
function relayOf(
  vf: PciAddress,
  wanted: ReadonlyArray<{ vf: PciAddress | null; virtioId: number }>,
  statics: readonly StaticVf[],
  relays: ObservedRelay[] | null,
): VfStatus['relay'] {
  const own = findStatic(statics, { vf });
  if (own !== undefined) return { ...relayStatus(own.virtioId, vf, relays), static: true };
  const virtioId = wanted.find((w) => w.vf === vf && findStatic(statics, { virtioId: w.virtioId }) === undefined)?.virtioId ?? null;
  return { ...relayStatus(virtioId, vf, relays), static: false };
}

function relayStatus(virtioId: number | null, vf: PciAddress, relays: ObservedRelay[] | null): Omit<VfStatus['relay'], 'static'> {
  const actual = relays?.find((r) => r.vf === vf && isRelayAttached(r)) ?? relays?.find((r) => r.virtioId === virtioId);
  const extra = actual ? { socket: actual.socket, counters: actual.counters } : {};
  if (relays === null) return { virtio_id: virtioId, state: virtioId === null ? 'absent' : 'unknown' };
  if (actual && actual.vf === vf && isRelayAttached(actual)) {
    return { virtio_id: actual.virtioId, state: actual.vmConnected ? 'vm-connected' : 'attached', ...extra };
  }
  return { virtio_id: virtioId, state: virtioId === null ? 'absent' : 'detached', ...extra };
}
