import { describe, expect, it } from 'vitest';
import { scopeOf, topologyOf } from '../../../src/reconcile/scope-of-event.js';
import { defaultConfig } from '../../../src/model/config.js';
import type { PciAddress } from '../../../src/model/pci.js';
import { observed, pf, vf } from '../../helpers/observed.js';

const topology = topologyOf(observed([pf({ numVfs: 2, vfs: [vf(0), vf(1)] })]));
const config = defaultConfig();
const pci = (p: string) => p as PciAddress;
const udev = (p: string, pciId: string | null = null, physfn: string | null = null, action = 'add') =>
  ({ source: 'udev', kind: 'pci', action, pci: pci(p), driver: null, pciId, physfn: physfn === null ? null : pci(physfn) }) as const;

describe('scopeOf', () => {
  it.each([
    ['a PF event wakes its PF', udev('0000:02:00.0'), { lane: '0000:02:00.0' }],
    ['a known VF wakes its PF', udev('0000:02:08.1'), { lane: '0000:02:00.0' }],
    ['a new VF with a known physfn wakes its PF', udev('0000:02:09.0', '19EE:6003', '0000:02:00.0'), { lane: '0000:02:00.0' }],
    ['a Netronome PF being added wakes its own lane, not a full run', udev('0000:05:00.0', '19EE:4000'), { lane: '0000:05:00.0' }],
    ['a Netronome PF being bound wakes its own lane', udev('0000:05:00.0', '19EE:4000', null, 'bind'), { lane: '0000:05:00.0' }],
    ['a Netronome PF\u2019s change wakes its own lane', udev('0000:05:00.0', '19EE:4000', null, 'change'), { lane: '0000:05:00.0' }],
    ['a VF of a PF not known yet wakes that PF\u2019s lane', udev('0000:05:08.0', '19EE:6003', '0000:05:00.0'), { lane: '0000:05:00.0' }],
    ['a managed id whose PF cannot be told wakes a full run', udev('0000:05:08.0', '19EE:6003', null, 'remove'), { lane: 'all' }],
    [
      'a netdev-up hook for the PF wakes its PF',
      { source: 'hook', kind: 'netdev', netdev: 'enp2s0np0', action: 'up' } as const,
      { lane: '0000:02:00.0' },
    ],
    [
      'the forwarder coming back wakes everything',
      { source: 'unit', kind: 'forwarder-active', unit: 'virtio-forwarder.service' } as const,
      { lane: 'all' },
    ],
  ])('%s', (_name, event, expected) => {
    expect(scopeOf(event, topology, config)).toEqual(expected);
  });

  describe('a PF matched by interface name, back after a hotplug or a driver reload (not in the topology)', () => {
    const byName = { ...config, pfs: [{ ...config.pfs[0], match: { netdev: 'enp1s0' } }] } as typeof config;
    const gone = topologyOf(observed([]));
    const net = (netdev: string, p: string | null) =>
      ({ source: 'udev', kind: 'net', action: 'add', netdev, pci: p === null ? null : pci(p) }) as const;

    it('its interface appearing under the managed name wakes a full run', () => {
      expect(scopeOf(net('enp1s0', '0000:01:00.0'), gone, byName)).toEqual({ lane: 'all' });
    });

    it('another interface is still not ours', () => {
      expect(scopeOf(net('enp9s0', '0000:09:00.0'), gone, byName)).toEqual({ ignored: expect.stringMatching(/is not a managed PF/) });
    });

    it('a VF of a PF matched by PCI address wakes that PF\u2019s lane before any run has seen the PF', () => {
      const byPci = { ...config, pfs: [{ ...config.pfs[0], match: { pci: '0000:01:00.0' } }] } as typeof config;
      expect(scopeOf(udev('0000:01:10.2', '8086:10CA', '0000:01:00.0', 'bind'), gone, byPci)).toEqual({ lane: '0000:01:00.0' });
    });

    it('a VF of an unmanaged PF is ignored, naming its PF', () => {
      expect(scopeOf(udev('0000:09:10.2', '8086:10CA', '0000:09:00.0', 'bind'), gone, byName)).toEqual({
        ignored: '0000:09:10.2 is a VF of 0000:09:00.0, a PF no rule was seen to manage',
      });
    });

    it('an interface on a PCI address a rule names wakes a full run', () => {
      const byPci = { ...config, pfs: [{ ...config.pfs[0], match: { pci: '0000:01:00.0' } }] } as typeof config;
      expect(scopeOf(net('eth0', '0000:01:00.0'), gone, byPci)).toEqual({ lane: 'all' });
    });
  });

  it.each([
    ['someone else\u2019s device', udev('0000:00:1f.2', '8086:A102')],
    ['an unmanaged interface', { source: 'hook', kind: 'netdev', netdev: 'eth0', action: 'up' } as const],
  ])('ignores %s, saying why', (_name, event) => {
    expect(scopeOf(event, topology, config)).toEqual({ ignored: expect.stringMatching(/is not a managed PF/) });
  });
});
