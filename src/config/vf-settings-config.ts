// A PF rule's vf_settings and vf_overrides, validated by the schema, into the
// model's VfSettings. What the schema cannot see is checked here and named
// by file and place: an index given twice, min_tx_rate above max_tx_rate,
// and an override for a VF the rule's count does not create (where the rule
// gives a number; with `max` the planner checks it against sriov_totalvfs).
import type { VfSettings } from '../model/vf-settings.js';
import { ConfigError } from './config-error.js';
import type { ConfigFile } from './schema.js';

type PfDoc = NonNullable<ConfigFile['pfs']>[number];
type SettingsDoc = NonNullable<PfDoc['vf_settings']>;

export interface RuleVfSettings {
  vfSettings: VfSettings;
  vfOverrides: Record<number, VfSettings>;
}

export function toVfSettings(doc: SettingsDoc, file: string, at: string): VfSettings {
  const out: VfSettings = {};
  if (doc.vlan !== undefined) {
    out.vlan =
      typeof doc.vlan === 'number'
        ? { id: doc.vlan, qos: 0, proto: '802.1Q' }
        : { id: doc.vlan.id, qos: doc.vlan.qos ?? 0, proto: doc.vlan.proto ?? '802.1Q' };
    if (out.vlan.id === 0 && (out.vlan.qos !== 0 || out.vlan.proto !== '802.1Q')) {
      throw new ConfigError(file, `${at}.vlan`, 'expected a VLAN id above 0 with qos or proto (VLAN 0 means none)');
    }
  }
  if (doc.spoofchk !== undefined) out.spoofchk = doc.spoofchk;
  if (doc.trust !== undefined) out.trust = doc.trust;
  if (doc.link_state !== undefined) out.linkState = doc.link_state;
  if (doc.max_tx_rate !== undefined) out.maxTxRate = doc.max_tx_rate;
  if (doc.min_tx_rate !== undefined) out.minTxRate = doc.min_tx_rate;
  if (doc.query_rss !== undefined) out.queryRss = doc.query_rss;
  return out;
}

export function toRuleVfSettings(pf: PfDoc, file: string, at: string): RuleVfSettings {
  const vfSettings = pf.vf_settings ? toVfSettings(pf.vf_settings, file, `${at}.vf_settings`) : {};
  checkRates(vfSettings, file, `${at}.vf_settings`);
  const vfOverrides: Record<number, VfSettings> = {};
  const seen = new Map<number, number>();
  (pf.vf_overrides ?? []).forEach(({ index, ...settings }, i) => {
    const place = `${at}.vf_overrides[${i}]`;
    const first = seen.get(index);
    if (first !== undefined)
      throw new ConfigError(file, `${place}.index`, `expected each VF index once, ${index} is also vf_overrides[${first}]`);
    if (typeof pf.vfs === 'number' && index >= pf.vfs) {
      throw new ConfigError(
        file,
        `${place}.index`,
        `expected a VF index below the rule's vfs: ${pf.vfs} (VFs 0-${pf.vfs - 1}), got ${index}`,
      );
    }
    seen.set(index, i);
    const own = toVfSettings(settings, file, place);
    checkRates({ ...vfSettings, ...own }, file, place);
    vfOverrides[index] = own;
  });
  return { vfSettings, vfOverrides };
}

/** The kernel refuses a minimum above a set maximum (EINVAL): say so at load, not at the first run. */
function checkRates(s: VfSettings, file: string, at: string): void {
  const max = s.maxTxRate ?? 0;
  const min = s.minTxRate ?? 0;
  if (max > 0 && min > max) throw new ConfigError(file, `${at}.min_tx_rate`, `expected min_tx_rate (${min}) at most max_tx_rate (${max})`);
}
