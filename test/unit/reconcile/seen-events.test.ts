import { describe, expect, it } from 'vitest';
import { isNews } from '../../../src/reconcile/seen-events.js';
import type { PciAddress } from '../../../src/model/pci.js';
import type { WakeEvent } from '../../../src/events/types.js';
import { observed, pf, vf } from '../../helpers/observed.js';

// The helpers' PF 0000:02:00.0 on nfp, its VF 0 (0000:02:08.0) on vfio-pci, VF 1 unbound.
const seen = observed([pf({ numVfs: 2, vfs: [vf(0), vf(1, { driver: null })] })]);
const pci = (action: string, at: string, driver: string | null = null): WakeEvent => ({
  source: 'udev',
  kind: 'pci',
  action,
  pci: at as PciAddress,
  driver,
  pciId: null,
  physfn: at === '0000:02:00.0' ? null : ('0000:02:00.0' as PciAddress),
});

const net = (action: string, netdev: string): WakeEvent => ({
  source: 'udev',
  kind: 'net',
  action,
  netdev,
  pci: '0000:02:00.0' as PciAddress,
});
const unsettled = observed([pf({ numVfs: 2, vfs: [vf(0), vf(1, { driver: null })], netdevSettled: false })]);

describe('isNews', () => {
  it.each([
    ['a VF add the observation shows', pci('add', '0000:02:08.0')],
    ['a VF bind to the driver the observation shows', pci('bind', '0000:02:08.0', 'vfio-pci')],
    ['the PF bind to the driver the observation shows', pci('bind', '0000:02:00.0', 'nfp')],
    ['the PF change of its SR-IOV enable', pci('change', '0000:02:00.0', 'nfp')],
    ['the change of a VF the observation shows, on its driver or on none', pci('change', '0000:02:08.0', 'vfio-pci')],
    ['the change of a VF the observation shows unbound', pci('change', '0000:02:08.1')],
    ['the PF netdev added under the name the observation shows, settled', net('add', 'enp2s0np0')],
    ['the PF netdev renamed to the name the observation shows, settled', net('move', 'enp2s0np0')],
  ])('no news: %s', (_name, event) => {
    expect(isNews(event, seen)).toBe(false);
  });

  it.each([
    ['anything before the first observation', pci('add', '0000:02:08.0'), null],
    ['a VF the observation does not show', pci('add', '0000:02:08.5'), seen],
    ['a bind to another driver than observed', pci('bind', '0000:02:08.1', 'vfio-pci'), seen],
    ['a bind whose driver udev did not say', pci('bind', '0000:02:08.0'), seen],
    ['an unbind, even of a VF observed unbound', pci('unbind', '0000:02:08.1'), seen],
    ['a remove', pci('remove', '0000:02:08.0'), seen],
    ['the change of a VF the observation does not show', pci('change', '0000:02:08.5'), seen],
    ['a PF netdev under another name than observed (the kernel\u2019s eth0 before udev renames it)', net('add', 'eth0'), seen],
    ['a PF netdev the observation shows not settled yet', net('move', 'enp2s0np0'), unsettled],
    ['a netdev change', net('change', 'enp2s0np0'), seen],
    ['a hook', { source: 'hook', kind: 'netdev', netdev: 'enp2s0np0', action: 'up' } as const, seen],
    ['the resync timer', { source: 'timer', kind: 'resync' } as const, seen],
  ])('news: %s', (_name, event, last) => {
    expect(isNews(event, last)).toBe(true);
  });
});
