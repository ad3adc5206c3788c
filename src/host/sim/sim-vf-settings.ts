// VF settings in the simulated kernel, with the rules rtnetlink and the
// drivers apply (net/core/rtnetlink.c do_setvfinfo, and each driver's
// ndo_set_vf_*):
//  - a driver without the ndo answers EOPNOTSUPP: the simulated igb (as the
//    real one, see the igb testbed's facts) has no link state and no RSS
//    query; nfp takes every setting;
//  - a VLAN protocol other than 802.1Q on a driver that only knows 802.1Q is
//    EPROTONOSUPPORT; igb refuses a minimum TX rate (EINVAL);
//  - a VF index the PF does not have is EINVAL.
// A new VF starts as the hardware has it: no VLAN, spoof checking on, not
// trusted, link state auto, no rate limits, RSS query off.
import {
  formatVfSetting,
  freshVfSettings,
  type ObservedVfSettings,
  type VfSettingChange,
  type VfSettingName,
} from '../../model/vf-settings.js';
import { HostError } from '../host-error.js';
import type { SimPf } from './state.js';

interface DriverRules {
  refuses: readonly VfSettingName[];
  /** Only 802.1Q VLANs (ndo_set_vf_vlan returns EPROTONOSUPPORT for 802.1ad). */
  vlan8021qOnly: boolean;
  /** ndo_set_vf_rate refuses any minimum (igb: "min_tx_rate is not supported"). */
  noMinTxRate: boolean;
}

const RULES: Readonly<Record<string, DriverRules>> = {
  nfp: { refuses: [], vlan8021qOnly: false, noMinTxRate: false },
  igb: { refuses: ['link_state', 'query_rss'], vlan8021qOnly: true, noMinTxRate: true },
};
const DEFAULT_RULES: DriverRules = { refuses: [], vlan8021qOnly: false, noMinTxRate: false };

export function simVfSettingsOf(vf: { settings?: ObservedVfSettings }): ObservedVfSettings {
  return vf.settings ?? freshVfSettings();
}

export function applySimVfSetting(pf: SimPf, netdev: string, index: number, change: VfSettingChange): void {
  const vf = pf.vfs[index];
  const fail = (code: 'ERR_VF_SETTING_UNSUPPORTED' | 'ERR_TOOL_FAILED', errno: string, words: string): never => {
    throw new HostError(code, `${netdev} refused ${formatVfSetting(change)} for VF ${index}: RTNETLINK answers: ${words}`, {
      netdev,
      errno,
    });
  };
  if (!vf) return fail('ERR_TOOL_FAILED', 'EINVAL', 'Invalid argument');
  const rules = RULES[pf.pfDriverName] ?? DEFAULT_RULES;
  if (rules.refuses.includes(change.setting)) return fail('ERR_VF_SETTING_UNSUPPORTED', 'EOPNOTSUPP', 'Operation not supported');
  const s = simVfSettingsOf(vf);
  switch (change.setting) {
    case 'vlan':
      if (change.to.id > 4095 || change.to.qos > 7) return fail('ERR_TOOL_FAILED', 'EINVAL', 'Invalid argument');
      if (rules.vlan8021qOnly && change.to.proto !== '802.1Q')
        return fail('ERR_VF_SETTING_UNSUPPORTED', 'EPROTONOSUPPORT', 'Protocol not supported');
      s.vlan = change.to.id === 0 ? { id: 0, qos: 0, proto: '802.1Q' } : { ...change.to };
      break;
    case 'spoofchk':
      s.spoofchk = change.to;
      break;
    case 'trust':
      s.trust = change.to;
      break;
    case 'link_state':
      s.linkState = change.to;
      break;
    case 'rate':
      if ((rules.noMinTxRate && change.to.min > 0) || (change.to.max > 0 && change.to.min > change.to.max))
        return fail('ERR_TOOL_FAILED', 'EINVAL', 'Invalid argument');
      s.rate = { ...change.to };
      break;
    case 'query_rss':
      s.queryRss = change.to;
      break;
  }
  vf.settings = s;
}
