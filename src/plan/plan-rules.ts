// Rules that match nothing: a typo in `match:` must not read as
// "converged". Each configured rule that manages no PF of this host is a
// warning (the run still converges: maybe the NIC is just absent). The
// built-in default rule, used when no file names any PF, is not warned
// about: a host without a Netronome NIC is not a mistake. Pure.
import type { Config, PfMatch, PfRule } from '../model/config.js';
import type { PciAddress } from '../model/pci.js';
import type { Refusal } from '../model/step.js';

const hex = (n: number): string => n.toString(16).padStart(4, '0');

/** `netdev enp2s0np0`, `pci 0000:02:00.0`, `id 19ee:4000`, `id 19ee`. */
export function describeMatch(m: PfMatch): string {
  if (m.netdev !== undefined) return `netdev ${m.netdev}`;
  if (m.pci !== undefined) return `pci ${m.pci}`;
  if (m.vendor !== undefined) return `id ${hex(m.vendor)}${m.device === undefined ? '' : `:${hex(m.device)}`}`;
  return 'nothing';
}

export function ruleName(rule: PfRule, index: number): string {
  return rule.origin ?? `built-in pfs[${index}]`;
}

export interface RuleMatch {
  rule: string;
  match: string;
  /** The PFs this rule manages (first match wins). */
  pfs: PciAddress[];
}

export function ruleMatchesOf(config: Config, ruleMatches: readonly PciAddress[][]): RuleMatch[] {
  return config.pfs.map((rule, i) => ({ rule: ruleName(rule, i), match: describeMatch(rule.match), pfs: ruleMatches[i] ?? [] }));
}

export function planUnmatchedRules(config: Config, ruleMatches: readonly PciAddress[][]): Refusal[] {
  if (config.sources.length === 0) return [];
  return ruleMatchesOf(config, ruleMatches)
    .filter((r) => r.pfs.length === 0)
    .map((r) => ({
      kind: 'warning',
      pf: null,
      code: 'ERR_RULE_UNMATCHED',
      why: `Rule ${r.rule} (match ${r.match}) matches no PF on this host (or an earlier rule took them)`,
      hint: '`vfkeeper status` lists each rule and what it matched; check the name, address or id (ip -br link, lspci -D)',
    }));
}
