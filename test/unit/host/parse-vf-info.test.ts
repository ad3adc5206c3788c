// The PF's report of its VFs: MAC and settings per VF, from iproute2's JSON.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpVfInfo } from '../../../src/host/real/parse-vf-info.js';
import { vfSettingArgs, rtnetlinkErrno, isUnsupportedErrno } from '../../../src/host/real/vf-setting-args.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/ip/${name}`, import.meta.url), 'utf8');

describe('parseIpVfInfo', () => {
  it('reads igb: VLAN from vlan_list, rate object, no RSS query reported', () => {
    const vfs = parseIpVfInfo(fixture('igb-4vfs.json'), 'enp1s0');
    expect([...vfs.keys()]).toEqual([0, 1, 2, 3]);
    expect(vfs.get(1)).toEqual({
      mac: '02:00:00:00:00:11',
      settings: {
        vlan: { id: 100, qos: 0, proto: '802.1Q' },
        spoofchk: false,
        trust: true,
        linkState: 'auto',
        rate: { max: 100, min: 0 },
        queryRss: null,
      },
    });
    expect(vfs.get(0)?.settings.vlan).toEqual({ id: 0, qos: 0, proto: '802.1Q' });
    expect(vfs.get(2)?.mac).toBe('00:00:00:00:00:00');
    expect(vfs.get(3)?.mac).toBe('8e:1a:52:0b:7c:20');
  });

  it('reads QoS, the 802.1ad protocol, both rates, link state disable and RSS query', () => {
    const vf0 = parseIpVfInfo(fixture('nfp-2vfs-8021ad.json'), 'enp2s0np0').get(0);
    expect(vf0?.settings).toEqual({
      vlan: { id: 200, qos: 5, proto: '802.1ad' },
      spoofchk: true,
      trust: false,
      linkState: 'disable',
      rate: { max: 10000, min: 1000 },
      queryRss: true,
    });
  });

  it('reads an old kernel: vlan and qos on the VF, the legacy tx_rate, no trust', () => {
    const vf0 = parseIpVfInfo(fixture('old-kernel.json'), 'eth1').get(0);
    expect(vf0?.settings).toMatchObject({
      vlan: { id: 42, qos: 2, proto: '802.1Q' },
      rate: { max: 500, min: 0 },
      trust: null,
      linkState: 'enable',
    });
  });

  it('a PF without VFs has none; output that is not the shape is an error, never "no VFs"', () => {
    expect(parseIpVfInfo('[{"ifname":"eth0","mtu":1500}]', 'eth0').size).toBe(0);
    expect(() => parseIpVfInfo('Device "x" does not exist.', 'x')).toThrow(/ip -j -d link show dev x.*not JSON/);
    expect(() => parseIpVfInfo('[{"vfinfo_list":[{"address":"x"}]}]', 'x')).toThrow(/no "vf" number/);
    expect(() => parseIpVfInfo('[]', 'x')).toThrow(/one link/);
  });
});

describe('vfSettingArgs', () => {
  it('builds one argument vector per setting', () => {
    const a = (c: Parameters<typeof vfSettingArgs>[2]) => vfSettingArgs('enp1s0', 3, c).slice(6).join(' ');
    expect(vfSettingArgs('enp1s0', 3, { setting: 'trust', to: true }).slice(0, 6)).toEqual(['link', 'set', 'dev', 'enp1s0', 'vf', '3']);
    expect(a({ setting: 'vlan', to: { id: 100, qos: 0, proto: '802.1Q' } })).toBe('vlan 100');
    expect(a({ setting: 'vlan', to: { id: 200, qos: 5, proto: '802.1ad' } })).toBe('vlan 200 qos 5 proto 802.1ad');
    expect(a({ setting: 'spoofchk', to: false })).toBe('spoofchk off');
    expect(a({ setting: 'link_state', to: 'disable' })).toBe('state disable');
    expect(a({ setting: 'rate', to: { max: 1000, min: 0 } })).toBe('max_tx_rate 1000 min_tx_rate 0');
    expect(a({ setting: 'query_rss', to: true })).toBe('query_rss on');
  });

  it("reads the kernel's refusal: EOPNOTSUPP and EPROTONOSUPPORT are the driver's lack, EINVAL a bad value", () => {
    expect(rtnetlinkErrno('RTNETLINK answers: Operation not supported')).toBe('EOPNOTSUPP');
    expect(rtnetlinkErrno('RTNETLINK answers: Protocol not supported')).toBe('EPROTONOSUPPORT');
    expect(rtnetlinkErrno('RTNETLINK answers: Invalid argument')).toBe('EINVAL');
    expect(rtnetlinkErrno('something else')).toBeNull();
    expect(isUnsupportedErrno('EOPNOTSUPP')).toBe(true);
    expect(isUnsupportedErrno('EINVAL')).toBe(false);
  });
});
