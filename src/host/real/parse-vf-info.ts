// `ip -j -d link show dev PF` -> what the PF reports of each VF (vfinfo_list):
// its MAC and its settings. Shapes as iproute2's print_vfinfo writes them:
//   {"vf":0,"link_type":"ether","address":"02:..","broadcast":"ff:..",
//    "vlan_list":[{"vlan":100,"qos":3,"protocol":"802.1ad"}],
//    "rate":{"max_tx":0,"min_tx":0},"spoofchk":true,"link_state":"auto",
//    "trust":false,"query_rss_en":false}
// A VLAN of 0, QoS 0 and the 802.1Q protocol are left out (vlan_list holds
// an empty object); older kernels give "vlan"/"qos" on the VF itself and
// "tx_rate" instead of "rate"; spoofchk, trust and query_rss_en are left out
// where the driver does not report them. Pure; output that is not this shape
// is an error, never read as "no VFs".
import { HostError } from '../host-error.js';
import type { ObservedVfSettings, VfLinkState, VlanSetting } from '../../model/vf-settings.js';

export interface VfInfo {
  mac: string;
  settings: ObservedVfSettings;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

export function parseIpVfInfo(json: string, netdev: string): Map<number, VfInfo> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw malformed(netdev, `not JSON (${(e as Error).message})`);
  }
  const link: unknown = Array.isArray(parsed) ? parsed[0] : undefined;
  if (!isObject(link)) throw malformed(netdev, 'expected a list with one link');
  const list = link['vfinfo_list'];
  const out = new Map<number, VfInfo>();
  if (list === undefined) return out;
  if (!Array.isArray(list)) throw malformed(netdev, 'vfinfo_list is not a list');
  for (const vf of list as unknown[]) {
    if (!isObject(vf) || typeof vf['vf'] !== 'number') throw malformed(netdev, 'a vfinfo_list entry has no "vf" number');
    const mac = vf['address'] ?? vf['mac'];
    out.set(vf['vf'], { mac: typeof mac === 'string' ? mac.toLowerCase() : '00:00:00:00:00:00', settings: parseSettings(vf) });
  }
  return out;
}

function parseSettings(vf: Json): ObservedVfSettings {
  const rate = isObject(vf['rate']) ? vf['rate'] : null;
  const linkState = vf['link_state'];
  return {
    vlan: parseVlan(vf),
    spoofchk: bool(vf['spoofchk']),
    trust: bool(vf['trust']),
    linkState: linkState === 'auto' || linkState === 'enable' || linkState === 'disable' ? (linkState as VfLinkState) : null,
    rate: rate
      ? { max: num(rate['max_tx']), min: num(rate['min_tx']) }
      : { max: num(vf['max_tx_rate'] ?? vf['tx_rate']), min: num(vf['min_tx_rate']) },
    queryRss: bool(vf['query_rss_en']),
  };
}

function parseVlan(vf: Json): VlanSetting {
  const list = vf['vlan_list'];
  // The kernel lists one VLAN per VF (IFLA_VF_VLAN_LIST holds MAX_VLAN_LIST_LEN = 1).
  const first: unknown = Array.isArray(list) ? list[0] : vf;
  const v = isObject(first) ? first : {};
  return { id: num(v['vlan']), qos: num(v['qos']), proto: v['protocol'] === '802.1ad' ? '802.1ad' : '802.1Q' };
}

function malformed(netdev: string, why: string): HostError {
  return new HostError('ERR_TOOL_OUTPUT', `\`ip -j -d link show dev ${netdev}\` printed what vfkeeper cannot read: ${why}`, {
    netdev,
    hint: 'vfkeeper needs iproute2 with JSON output (ip -j, iproute2 4.13 or later)',
  });
}
