// Which PCI devices are managed PFs: those with SR-IOV whose identity
// (vendor, device, PCI address, netdev) a configured rule matches, first
// match wins. Also what each rule matched, so a rule that matches nothing
// (a typo in `match:`) is said rather than silently converged.
import type { Config, PfRule } from '../model/config.js';
import { ifAbsent } from '../model/errno.js';
import { findRule, type PfIdentity } from '../model/match.js';
import { parsePciAddress, type PciAddress } from '../model/pci.js';
import type { Host } from '../host/types.js';
import { PCI_DEVICES, pciAttr } from '../host/sysfs-paths.js';
import { readInt } from '../host/sysfs-read.js';
import { readNetdev } from './read-device.js';

export interface ManagedPfs {
  managed: PciAddress[];
  /** By rule (the index of config.pfs): the PFs that rule manages. */
  ruleMatches: PciAddress[][];
  /** Each managed PF's rule. */
  rules: Map<PciAddress, PfRule>;
}

// Reads go out together rather than one after another: each is a round
// trip through libuv's thread pool, and the run's first write waits for
// them (the real-kernel floor bench, bench/RESULTS.md section 5).
export async function findManagedPfs(host: Host, config: Config): Promise<ManagedPfs> {
  const names = await ifAbsent(() => host.sysfs.list(PCI_DEVICES), []);
  const identities = await Promise.all(names.map((name) => readSriovIdentity(host, name)));
  const ruleMatches: PciAddress[][] = config.pfs.map(() => []);
  const managed: PciAddress[] = [];
  const rules = new Map<PciAddress, PfRule>();
  for (const id of identities) {
    const rule = id === null ? undefined : findRule(config, id);
    if (id === null || rule === undefined) continue;
    managed.push(id.pci);
    rules.set(id.pci, rule);
    ruleMatches[config.pfs.indexOf(rule)]?.push(id.pci);
  }
  return { managed, ruleMatches, rules };
}

async function readSriovIdentity(host: Host, name: string): Promise<(PfIdentity & { pci: PciAddress }) | null> {
  if (!(await host.sysfs.exists(pciAttr(name, 'sriov_totalvfs')))) return null;
  const pci = parsePciAddress(name);
  const [vendor, device, netdev] = await Promise.all([
    ifAbsent(() => readInt(host, pciAttr(pci, 'vendor')), -1),
    ifAbsent(() => readInt(host, pciAttr(pci, 'device')), -1),
    readNetdev(host, pci),
  ]);
  return { pci, vendor, device, netdev };
}
