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

  it('a PF managed by name that comes back (its net add, before any run knows it) wakes a full run', () => {
    const byName = { ...defaultConfig(), pfs: [{ ...defaultConfig().pfs[0], match: { netdev: 'enp5s0' } }] } as typeof config;
    const empty = topologyOf(observed([]));
    const netAdd = { source: 'udev', kind: 'net', action: 'add', netdev: 'enp5s0', pci: pci('0000:05:00.0') } as const;
    expect(scopeOf(netAdd, empty, byName)).toEqual({ lane: 'all' });
    expect(scopeOf({ ...netAdd, netdev: 'enp6s0' }, empty, byName)).toEqual({ ignored: 'enp6s0 is not a managed PF' });
  });

  it.each([
    ['someone else\u2019s device', udev('0000:00:1f.2', '8086:A102')],
    ['an unmanaged interface', { source: 'hook', kind: 'netdev', netdev: 'eth0', action: 'up' } as const],
  ])('ignores %s, saying why', (_name, event) => {
    expect(scopeOf(event, topology, config)).toEqual({ ignored: expect.stringMatching(/is not a managed PF/) });
  });
});
