// A VF's settings (VLAN, spoof checking, trust, link state, TX rates, RSS
// query): one step per setting whose observed value differs from the wanted
// one, set through the PF's netdev after the VF exists and before its relay
// is attached. A VF just created (or re-created after a driver reload, a PF
// re-add or a count change) has its settings back at the hardware's
// defaults, so the comparison alone re-applies them. Settings the PF's
// driver refused earlier (EOPNOTSUPP, remembered by the caller per PF and
// driver) are not planned again. A TX rate waits while the PF's link is
// down or has no carrier: drivers check a rate against the link speed (igb
// answers EINVAL until its link is up, seconds after a reload brought the
// PF up, or after a PF reset).
// Pure.
import type { PfRule } from '../model/config.js';
import type { ObservedPf, ObservedVf } from '../model/observed.js';
import type { Refusal, Step } from '../model/step.js';
import { sameVlan, unsupportedKey, vfSettingsFor, type TxRate, type VfSettingName, type VlanSetting } from '../model/vf-settings.js';

const vlanWords = (v: VlanSetting | null): string =>
  v === null ? 'unknown' : v.id === 0 ? 'none' : `${v.id}${v.qos ? ` qos ${v.qos}` : ''}${v.proto === '802.1ad' ? ' 802.1ad' : ''}`;
const rateWords = (r: TxRate | null): string => (r === null ? 'unknown' : `max ${r.max} min ${r.min}`);
const word = (v: boolean | string | null): string => (v === null ? 'unknown' : v === true ? 'on' : v === false ? 'off' : v);

export interface VfSettingsPlan {
  steps: Step[];
  /** A TX rate left for when the PF's link has a carrier. */
  rateWaitsForLink: boolean;
}

export function planVfSettings(pf: ObservedPf, rule: PfRule, vf: ObservedVf, unsupported: ReadonlySet<string>): VfSettingsPlan {
  if (pf.netdev === null || pf.driver === null) return { steps: [], rateWaitsForLink: false };
  let rateWaitsForLink = false;
  const want = vfSettingsFor(rule.vfSettings, rule.vfOverrides, vf.index);
  const obs = vf.settings;
  const on = { pf: pf.pci, netdev: pf.netdev, driver: pf.driver, vf: vf.pci, index: vf.index };
  const allowed = (s: VfSettingName): boolean => !unsupported.has(unsupportedKey(pf.pci, pf.driver ?? '', s));
  const why = (what: string, from: string, to: string): string => `VF ${vf.index} ${what} ${from}, want ${to}`;
  const steps: Step[] = [];
  if (want.vlan !== undefined && allowed('vlan') && (obs === null || !sameVlan(obs.vlan, want.vlan))) {
    const from = obs?.vlan ?? null;
    steps.push({ kind: 'set-vf-vlan', ...on, from, to: want.vlan, why: why('VLAN', vlanWords(from), vlanWords(want.vlan)) });
  }
  if (want.spoofchk !== undefined && allowed('spoofchk') && obs?.spoofchk !== want.spoofchk) {
    const from = obs?.spoofchk ?? null;
    steps.push({ kind: 'set-vf-spoofchk', ...on, from, to: want.spoofchk, why: why('spoof checking', word(from), word(want.spoofchk)) });
  }
  if (want.trust !== undefined && allowed('trust') && obs?.trust !== want.trust) {
    const from = obs?.trust ?? null;
    steps.push({ kind: 'set-vf-trust', ...on, from, to: want.trust, why: why('trust', word(from), word(want.trust)) });
  }
  if (want.linkState !== undefined && allowed('link_state') && obs?.linkState !== want.linkState) {
    const from = obs?.linkState ?? null;
    steps.push({ kind: 'set-vf-link-state', ...on, from, to: want.linkState, why: why('link state', word(from), want.linkState) });
  }
  if ((want.maxTxRate !== undefined || want.minTxRate !== undefined) && allowed('rate')) {
    const from = obs?.rate ?? null;
    // One of the two given: the other stays as the VF has it.
    const to = { max: want.maxTxRate ?? from?.max ?? 0, min: want.minTxRate ?? from?.min ?? 0 };
    // Down (this pass may bring it up; the carrier follows seconds later) or up without a carrier.
    const noCarrier = pf.link !== null && (!pf.link.up || pf.link.carrier === false);
    if ((from === null || from.max !== to.max || from.min !== to.min) && noCarrier) rateWaitsForLink = true;
    else if (from === null || from.max !== to.max || from.min !== to.min) {
      steps.push({ kind: 'set-vf-rate', ...on, from, to, why: why('TX rate (Mbit/s)', rateWords(from), rateWords(to)) });
    }
  }
  if (want.queryRss !== undefined && allowed('query_rss') && obs?.queryRss !== want.queryRss) {
    const from = obs?.queryRss ?? null;
    steps.push({ kind: 'set-vf-query-rss', ...on, from, to: want.queryRss, why: why('RSS query', word(from), word(want.queryRss)) });
  }
  return { steps, rateWaitsForLink };
}

/** The waiting state of the VFs whose TX rate waits for the PF's link. */
export function rateWaitRefusal(pf: ObservedPf, indexes: readonly number[]): Refusal {
  return {
    kind: 'waiting',
    pf: pf.pci,
    code: 'ERR_VF_RATE_NO_CARRIER',
    why: `The TX rate of VF ${indexes.join(', ')} of ${pf.pci} waits for ${pf.netdev ?? 'its interface'} to have a carrier (the driver checks a rate against the link speed)`,
    hint: `ip link show dev ${pf.netdev ?? '<interface>'}: NO-CARRIER means the cable, the switch port, or a reset still in progress`,
  };
}

/**
 * Overrides for VF indexes the PF will not have: with a number in the rule
 * the configuration's loader refuses them; with `max` the count is only
 * known here (sriov_totalvfs), so the planner refuses them, naming the rule.
 */
export function checkOverrideIndexes(pf: ObservedPf, rule: PfRule): Refusal | null {
  const count = rule.vfs === 'max' ? pf.totalVfs : rule.vfs;
  const beyond = Object.keys(rule.vfOverrides)
    .map(Number)
    .filter((i) => i >= count)
    .sort((a, b) => a - b);
  if (beyond.length === 0) return null;
  return {
    kind: 'blocked',
    pf: pf.pci,
    code: 'ERR_VF_INDEX',
    why: `${rule.origin}.vf_overrides: expected VF indexes below ${count} (${pf.pci} has ${count} VFs with vfs: ${String(rule.vfs)}), got ${beyond.join(', ')}`,
    hint: 'fix the index in the configuration file, or remove the override; the other settings are applied',
  };
}
