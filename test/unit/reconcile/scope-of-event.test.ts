import { describe, expect, it } from 'vitest';
import { scopeOf, topologyOf } from '../../../src/reconcile/scope-of-event.js';
import { defaultConfig } from '../../../src/model/config.js';
import type { PciAddress } from '../../../src/model/pci.js';
import { observed, pf, vf } from '../../helpers/observed.js';

const topology = topologyOf(observed([pf({ numVfs: 2, vfs: [vf(0), vf(1)] })]));
const config = defaultConfig();
const pci = (p: string) => p as PciAddress;
const udev = (p: string, pciId: string | null = null, physfn: string | null = null) =>
  ({ source: 'udev', kind: 'pci', action: 'add', pci: pci(p), driver: null, pciId, physfn: physfn === null ? null : pci(physfn) }) as const;

describe('scopeOf', () => {
  it.each([
    ['a PF event wakes its PF', udev('0000:02:00.0'), { lane: '0000:02:00.0' }],
    ['a known VF wakes its PF', udev('0000:02:08.1'), { lane: '0000:02:00.0' }],
    ['a new VF with a known physfn wakes its PF', udev('0000:02:09.0', '19EE:6003', '0000:02:00.0'), { lane: '0000:02:00.0' }],
    ['an unknown Netronome PF wakes a full run', udev('0000:05:00.0', '19EE:4000'), { lane: 'all' }],
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
