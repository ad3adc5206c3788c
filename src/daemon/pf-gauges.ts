// Per-PF gauges of the metrics textfile, from one observation and the
// configuration: VFs wanted (the rule's count), relays wanted and attached
// (relays: auto or the configured list, as the planner wants them). Pure.
import type { Config } from '../model/config.js';
import { findRule } from '../model/match.js';
import { isRelayAttached, type Observed } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import { wantedRelays } from '../plan/plan-relays.js';
import { currentRelayNumbers } from '../plan/relay-numbers.js';

export interface PfGauges {
  vfsWanted: Map<PciAddress, number>;
  relaysWanted: Map<PciAddress, number>;
  relaysAttached: Map<PciAddress, number>;
}

const bump = (m: Map<PciAddress, number>, k: PciAddress): void => void m.set(k, (m.get(k) ?? 0) + 1);

export function measurePfGauges(config: Config, observed: Observed): PfGauges {
  const vfsWanted = new Map<PciAddress, number>();
  for (const pf of observed.pfs) {
    const rule = findRule(config, pf);
    if (rule) vfsWanted.set(pf.pci, rule.vfs === 'max' ? pf.totalVfs : rule.vfs);
  }
  const relaysWanted = new Map<PciAddress, number>();
  const relaysAttached = new Map<PciAddress, number>();
  if (!config.forwarder.enabled) return { vfsWanted, relaysWanted, relaysAttached };
  const managed = observed.pfs.filter((pf) => vfsWanted.has(pf.pci));
  const vfs = new Map(managed.flatMap((pf) => pf.vfs.map((vf) => [vf.pci, { driver: vf.driver, pf: pf.pci }] as const)));
  const attached = observed.forwarder.reachable ? observed.forwarder.relays.filter(isRelayAttached) : [];
  for (const w of wantedRelays(config, managed, vfs, currentRelayNumbers(config, observed))) {
    if (w.pf === null) continue;
    bump(relaysWanted, w.pf);
    relaysAttached.set(w.pf, relaysAttached.get(w.pf) ?? 0);
    if (attached.some((r) => r.virtioId === w.virtioId && r.vf === w.vf)) bump(relaysAttached, w.pf);
  }
  return { vfsWanted, relaysWanted, relaysAttached };
}
