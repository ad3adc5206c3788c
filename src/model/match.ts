// Which configured rule manages a PCI device: the first that matches.
import type { Config, PfMatch, PfRule } from './config.js';

export interface PfIdentity {
  pci: string;
  vendor: number;
  device: number;
  netdev: string | null;
}

export function isMatch(m: PfMatch, pf: PfIdentity): boolean {
  if (m.pci !== undefined) return m.pci === pf.pci;
  if (m.netdev !== undefined) return m.netdev === pf.netdev;
  if (m.vendor !== undefined) return m.vendor === pf.vendor && (m.device === undefined || m.device === pf.device);
  return false;
}

export function findRule(config: Config, pf: PfIdentity): PfRule | undefined {
  return config.pfs.find((rule) => isMatch(rule.match, pf));
}
