// `ip link set dev PF vf N ...` for one VF setting, as an argument vector, and
// what the kernel's refusal means. Pure.
import type { VfSettingChange } from '../../model/vf-settings.js';

export function vfSettingArgs(pfNetdev: string, index: number, change: VfSettingChange): string[] {
  const head = ['link', 'set', 'dev', pfNetdev, 'vf', String(index)];
  const onOff = (b: boolean): string => (b ? 'on' : 'off');
  switch (change.setting) {
    case 'vlan': {
      const { id, qos, proto } = change.to;
      // Without `proto`, ip sends IFLA_VF_VLAN, which every driver with VLANs takes;
      // with it, IFLA_VF_VLAN_LIST: only where 802.1ad is wanted.
      return [...head, 'vlan', String(id), ...(qos > 0 ? ['qos', String(qos)] : []), ...(proto === '802.1ad' ? ['proto', proto] : [])];
    }
    case 'spoofchk':
      return [...head, 'spoofchk', onOff(change.to)];
    case 'trust':
      return [...head, 'trust', onOff(change.to)];
    case 'link_state':
      return [...head, 'state', change.to];
    case 'rate':
      // Both in one IFLA_VF_RATE: given one, ip reads the other back first.
      return [...head, 'max_tx_rate', String(change.to.max), 'min_tx_rate', String(change.to.min)];
    case 'query_rss':
      return [...head, 'query_rss', onOff(change.to)];
  }
}

/** The errno in "RTNETLINK answers: Operation not supported", or null when ip said something else. */
export function rtnetlinkErrno(stderr: string): string | null {
  const known: Array<[RegExp, string]> = [
    [/Operation not supported/i, 'EOPNOTSUPP'],
    [/Protocol not supported/i, 'EPROTONOSUPPORT'],
    [/Invalid argument/i, 'EINVAL'],
    [/Numerical result out of range/i, 'ERANGE'],
    [/Operation not permitted/i, 'EPERM'],
    [/No such device/i, 'ENODEV'],
    [/Device or resource busy/i, 'EBUSY'],
  ];
  return known.find(([re]) => re.test(stderr))?.[1] ?? null;
}

/** The driver does not implement the setting: not a failure to retry, a fact about the driver. */
export function isUnsupportedErrno(errno: string | null): boolean {
  return errno === 'EOPNOTSUPP' || errno === 'EPROTONOSUPPORT';
}
