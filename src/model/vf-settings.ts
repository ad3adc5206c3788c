// What operators set on a VF through its PF (ip link set PF vf N ...): VLAN
// and QoS, spoof checking, trust, link state, TX rate limits, RSS query.
// Wanted settings come from the PF rule (all VFs, then an override by VF
// index); observed ones from the PF's own report (ip -j -d link show PF).
// Plain data and pure helpers.

export type VlanProto = '802.1Q' | '802.1ad';
export type VfLinkState = 'auto' | 'enable' | 'disable';

export interface VlanSetting {
  /** 0 = no VLAN (the VF's traffic is left untagged). */
  id: number;
  qos: number;
  proto: VlanProto;
}

export interface TxRate {
  /** Mbit/s, 0 = no limit. */
  max: number;
  min: number;
}

/** Wanted settings: a key left out is left alone on the VF. */
export interface VfSettings {
  vlan?: VlanSetting;
  spoofchk?: boolean;
  trust?: boolean;
  linkState?: VfLinkState;
  maxTxRate?: number;
  minTxRate?: number;
  queryRss?: boolean;
}

/**
 * What the PF reports for one VF. null = the driver does not report it
 * (iproute2 leaves out spoofchk, trust and query_rss the driver keeps at -1).
 */
export interface ObservedVfSettings {
  vlan: VlanSetting;
  spoofchk: boolean | null;
  trust: boolean | null;
  linkState: VfLinkState | null;
  rate: TxRate;
  queryRss: boolean | null;
}

/** One setting's name as the configuration and the journal spell it. */
export type VfSettingName = 'vlan' | 'spoofchk' | 'trust' | 'link_state' | 'rate' | 'query_rss';

export const VF_SETTING_NAMES: readonly VfSettingName[] = ['vlan', 'spoofchk', 'trust', 'link_state', 'rate', 'query_rss'];

/** One change, as `ip link set PF vf N ...` takes it. */
export type VfSettingChange =
  | { setting: 'vlan'; to: VlanSetting }
  | { setting: 'spoofchk'; to: boolean }
  | { setting: 'trust'; to: boolean }
  | { setting: 'link_state'; to: VfLinkState }
  | { setting: 'rate'; to: TxRate }
  | { setting: 'query_rss'; to: boolean };

/** The settings for VF `index`: the rule's for all VFs, its override for this index on top. */
export function vfSettingsFor(all: VfSettings, overrides: Readonly<Record<number, VfSettings>>, index: number): VfSettings {
  return { ...all, ...(overrides[index] ?? {}) };
}

/** A VF's settings as a fresh VF has them on most drivers, for a VF not created yet. */
export function freshVfSettings(): ObservedVfSettings {
  return {
    vlan: { id: 0, qos: 0, proto: '802.1Q' },
    spoofchk: true,
    trust: false,
    linkState: 'auto',
    rate: { max: 0, min: 0 },
    queryRss: false,
  };
}

export function sameVlan(a: VlanSetting, b: VlanSetting): boolean {
  // Without a VLAN, QoS and protocol mean nothing: the kernel reports none.
  if (a.id === 0 && b.id === 0) return true;
  return a.id === b.id && a.qos === b.qos && a.proto === b.proto;
}

/** "vlan 100 qos 3 proto 802.1ad", "spoofchk on", "rate max 1000 min 0 Mbit/s": the journal's words. */
export function formatVfSetting(change: VfSettingChange): string {
  const onOff = (b: boolean): string => (b ? 'on' : 'off');
  switch (change.setting) {
    case 'vlan': {
      const v = change.to;
      if (v.id === 0) return 'vlan 0 (none)';
      return `vlan ${v.id}${v.qos ? ` qos ${v.qos}` : ''}${v.proto === '802.1Q' ? '' : ` proto ${v.proto}`}`;
    }
    case 'spoofchk':
    case 'trust':
    case 'query_rss':
      return `${change.setting} ${onOff(change.to)}`;
    case 'link_state':
      return `link state ${change.to}`;
    case 'rate':
      return `max_tx_rate ${change.to.max} min_tx_rate ${change.to.min} (Mbit/s)`;
  }
}

/**
 * The key under which a driver's refusal of a setting is remembered: per PF
 * and driver, so a different driver on the same PF (another firmware, a
 * driver swapped) is asked again.
 */
export function unsupportedKey(pf: string, driver: string, setting: VfSettingName): string {
  return `${pf} ${driver} ${setting}`;
}
