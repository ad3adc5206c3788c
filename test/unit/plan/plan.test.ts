// The planner, branch by branch: observed state + configuration in, steps out.
import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/plan.js';
import { deriveVfMac } from '../../../src/model/mac.js';
import type { PciAddress } from '../../../src/model/pci.js';
import type { Step } from '../../../src/model/step.js';
import { PF, config, observed, pf, relay, vf } from '../../helpers/observed.js';

const kinds = (steps: Step[]) => steps.map((s) => (s.kind === 'set-numvfs' ? `set-numvfs ${s.from}->${s.to}` : s.kind));
const noFwdWith = (rule: Parameters<typeof config>[0]) => config(rule, { forwarder: { ...config().forwarder, enabled: false } });
const noFwd = noFwdWith({});

describe('plan: the VF count', () => {
  it.each([
    ['from 0 writes the count once', pf({ numVfs: 0 }), ['set-numvfs 0->4', 'bind-driver', 'bind-driver', 'bind-driver', 'bind-driver']],
    ['an already-right count is never reset', pf({ numVfs: 4, vfs: [0, 1, 2, 3].map((i) => vf(i)) }), []],
    [
      'another non-zero count goes through an explicit 0',
      pf({ numVfs: 2, vfs: [vf(0), vf(1)] }),
      ['set-numvfs 2->0', 'set-numvfs 0->4', 'bind-driver', 'bind-driver', 'bind-driver', 'bind-driver'],
    ],
  ])('%s', (_name, observedPf, expected) => {
    expect(kinds(plan(noFwd, observed([observedPf]), { force: false }).steps)).toEqual(expected);
  });

  it('a count above sriov_totalvfs is refused at plan time, and the VFs there are left as they are', () => {
    const p = plan(noFwdWith({ vfs: 64 }), observed([pf({ numVfs: 2, vfs: [vf(0), vf(1)] })]), { force: false });
    expect(p.steps).toEqual([]);
    expect(p.refusals).toEqual([
      {
        kind: 'blocked',
        pf: PF,
        code: 'ERR_VFS_ABOVE_TOTAL',
        why: 'The configuration wants 64 VFs on 0000:02:00.0, but it has at most 4 (sriov_totalvfs)',
        hint: 'set vfs: 4 (or max) in the rule that matches 0000:02:00.0',
      },
    ]);
  });

  it('vfs: 0 removes the VFs with a single write', () => {
    const c = noFwdWith({ vfs: 0 });
    expect(kinds(plan(c, observed([pf({ numVfs: 2, vfs: [vf(0), vf(1)] })]), { force: false }).steps)).toEqual(['set-numvfs 2->0']);
  });

  it('turns autoprobe off before creating VFs, and predicts the new VFs from offset and stride', () => {
    const p = plan(noFwd, observed([pf({ autoprobe: true, numVfs: 0, totalVfs: 2 })]), { force: false });
    expect(kinds(p.steps)).toEqual(['set-autoprobe', 'set-numvfs 0->2', 'bind-driver', 'bind-driver']);
    expect(p.steps.filter((s) => s.kind === 'bind-driver').map((s) => (s.kind === 'bind-driver' ? s.vf : ''))).toEqual([
      '0000:02:08.0',
      '0000:02:08.1',
    ]);
  });

  it('the workload guard refuses a count change when it cannot tell whether a VF is in use (the scan failed)', () => {
    const unknown = pf({ numVfs: 2, vfs: [vf(0), vf(1)], workloadError: 'Could not read /proc/4242/fd (EACCES)' });
    const p = plan(noFwd, observed([unknown]), { force: false });
    expect(p.steps).toEqual([]);
    expect(p.refusals).toEqual([
      expect.objectContaining({ kind: 'guard', pf: PF, code: 'ERR_GUARD_WORKLOAD_UNKNOWN', why: expect.stringContaining('EACCES') }),
    ]);
    // The same PF with a scan that worked and found nobody: the count changes.
    expect(kinds(plan(noFwd, observed([{ ...unknown, workloadError: null }]), { force: false }).steps)).toContain('set-numvfs 2->0');
    // What does not touch VFs in use goes on: a PF already at its count is only brought up to date.
    const settled = pf({ numVfs: 4, link: { up: false, mtu: 1500 }, vfs: [vf(0), vf(1), vf(2), vf(3)], workloadError: 'EACCES' });
    expect(kinds(plan(noFwd, observed([settled]), { force: false }).steps)).toEqual(['set-link-up']);
  });

  it('the workload guard refuses a count change while a VF is open, and plans nothing for that PF', () => {
    const busy = pf({ numVfs: 2, link: { up: false, mtu: 1500 }, vfs: [vf(0), vf(1, { vfioHolders: ['qemu-system-x86[99]'] })] });
    const p = plan(noFwd, observed([busy]), { force: false });
    expect(p.steps).toEqual([]);
    expect(p.refusals).toEqual([
      expect.objectContaining({
        kind: 'guard',
        pf: PF,
        code: 'ERR_GUARD_VF_IN_USE',
        why: expect.stringContaining('0000:02:08.1 is open by qemu-system-x86[99]'),
      }),
    ]);
    expect(kinds(plan(noFwd, observed([busy]), { force: true }).steps)).toContain('set-numvfs 2->0');
  });

  it('a relay with a VM connected counts as in use; attached relays are detached before the VFs go', () => {
    const two = pf({ numVfs: 2, vfs: [vf(0), vf(1)] });
    const vm = observed([two], { forwarder: { reachable: true, relays: [relay(1, vf(0).pci, { vmConnected: true })] } });
    expect(plan(config(), vm, { force: false }).refusals[0]).toMatchObject({ kind: 'guard', why: expect.stringContaining('relay 1') });
    const idle = observed([two], { forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, vf(1).pci)] } });
    const steps = kinds(plan(config(), idle, { force: false }).steps);
    expect(steps.slice(0, 3)).toEqual(['detach-relay', 'detach-relay', 'set-numvfs 2->0']);
    expect(steps.filter((k) => k === 'attach-relay')).toHaveLength(4);
  });
});

describe('plan: prerequisites', () => {
  it.each([
    ['no PF driver yet (hotplug, driver reload)', pf({ driver: null }), 'ERR_NO_PF_DRIVER'],
    [
      'an interface udev has not renamed yet (eth0 after a probe)',
      pf({ netdev: 'eth0', netdevSettled: false, link: null, firmware: null, permMac: null }),
      'ERR_PF_NETDEV_SETTLING',
    ],
  ])('%s: the PF waits, quietly, with nothing planned', (_name, observedPf, code) => {
    const p = plan(noFwdWith({ vfMacs: 'derive' }), observed([observedPf]), { force: false });
    expect(p.steps).toEqual([]);
    expect(p.refusals).toEqual([expect.objectContaining({ kind: 'waiting', code, pf: PF })]);
  });

  it.each([
    ['an Intel igb PF (one firmware, no flavours)', 0x8086, '2.1.0'],
    ['a PF whose firmware version cannot be read', 0x15b3, null],
  ])('firmware: sriov (the default) does not apply to %s', (_name, vendor, firmware) => {
    const p = plan(noFwdWith({ firmware: 'sriov' }), observed([pf({ vendor, firmware })]), { force: false });
    expect(p.refusals).toEqual([]);
    expect(kinds(p.steps)).toContain('set-numvfs 0->4');
  });

  it.each([
    ['nic firmware', pf({ firmware: 'nic-2.0.4' }), 'ERR_FIRMWARE_NOT_SRIOV'],
    ['unreadable firmware', pf({ firmware: null }), 'ERR_FIRMWARE_UNKNOWN'],
  ])('%s blocks all VF work', (_name, observedPf, code) => {
    const p = plan(noFwd, observed([observedPf]), { force: false });
    expect(p.steps).toEqual([]);
    expect(p.refusals).toEqual([expect.objectContaining({ kind: 'blocked', code, hint: expect.any(String) })]);
  });

  it('never writes a count whose VFs would land on devices left behind by a removal, not even forced', () => {
    const left = pf({ numVfs: 0, strayVfs: [vf(1).pci, vf(3).pci] });
    for (const force of [false, true]) {
      const p = plan(noFwd, observed([left]), { force });
      expect(p.steps).toEqual([]);
      expect(p.refusals).toEqual([
        expect.objectContaining({
          kind: 'blocked',
          pf: PF,
          code: 'ERR_STRAY_VFS',
          why: expect.stringContaining(`${vf(1).pci}, ${vf(3).pci} already exist`),
        }),
      ]);
    }
    // Strays beyond the wanted count are not in the way.
    expect(kinds(plan(noFwdWith({ vfs: 1 }), observed([pf({ strayVfs: [vf(3).pci] })]), { force: false }).steps)).toEqual([
      'set-numvfs 0->1',
      'bind-driver',
    ]);
  });

  it('firmware: any skips the firmware check (a PF without netdev, like the NVMe testbed)', () => {
    const c = noFwdWith({ firmware: 'any' as const });
    const p = plan(c, observed([pf({ firmware: null, netdev: null, link: null, permMac: null })]), { force: false });
    expect(p.refusals).toEqual([]);
    expect(kinds(p.steps)).toEqual(['set-numvfs 0->4', 'bind-driver', 'bind-driver', 'bind-driver', 'bind-driver']);
  });
});

describe('plan: link, MAC, driver, module', () => {
  it('brings the link up and sets the MTU as configured', () => {
    const c = noFwdWith({ mtu: 9216, vfs: 0 });
    expect(kinds(plan(c, observed([pf({ link: { up: false, mtu: 1500 } })]), { force: false }).steps)).toEqual(['set-link-up', 'set-mtu']);
  });

  it('sets derived MACs before binding, stable per PF permanent MAC and index', () => {
    const c = noFwdWith({ vfMacs: 'derive' as const, vfs: 1 });
    const p = plan(c, observed([pf({ totalVfs: 1, numVfs: 1, vfs: [vf(0, { driver: 'nfp_netvf', mac: '00:00:00:00:00:00' })] })]), {
      force: false,
    });
    expect(kinds(p.steps)).toEqual(['set-vf-mac', 'bind-driver']);
    expect(p.steps[0]).toMatchObject({ to: deriveVfMac('00:15:4d:13:0c:9e', 0) });
    expect(p.steps[1]).toMatchObject({ from: 'nfp_netvf', to: 'vfio-pci' });
  });

  it('loads vfio-pci once, right before the first bind', () => {
    const p = plan(noFwd, observed([pf()], { vfioLoaded: false }), { force: false });
    expect(kinds(p.steps)).toEqual(['set-numvfs 0->4', 'load-module', 'bind-driver', 'bind-driver', 'bind-driver', 'bind-driver']);
  });
});

describe('plan: relays and sockets', () => {
  const ready = pf({ numVfs: 2, totalVfs: 2, vfs: [vf(0), vf(1)] });

  it('attaches relays (auto: VF n on relay n+1) that the forwarder does not show, and nothing when it does', () => {
    const p = plan(config(), observed([ready]), { force: false });
    expect(p.steps).toEqual([
      expect.objectContaining({ kind: 'attach-relay', virtioId: 1, vf: '0000:02:08.0' }),
      expect.objectContaining({ kind: 'attach-relay', virtioId: 2, vf: '0000:02:08.1' }),
    ]);
    const done = observed([ready], { forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, vf(1).pci)] } });
    expect(plan(config(), done, { force: false }).steps).toEqual([]);
  });

  it('detaches a relay whose VF is no longer wanted, but never one with a VM connected', () => {
    const stale = observed([ready], {
      forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, vf(1).pci), relay(9, '0000:05:08.0' as never)] },
    });
    expect(kinds(plan(config(), stale, { force: false }).steps)).toEqual(['detach-relay']);
    const vm = observed([ready], {
      forwarder: {
        reachable: true,
        relays: [relay(1, vf(0).pci), relay(2, vf(1).pci), relay(9, '0000:05:08.0' as never, { vmConnected: true })],
      },
    });
    const p = plan(config(), vm, { force: false });
    expect(p.steps).toEqual([]);
    expect(p.refusals[0]).toMatchObject({ kind: 'guard', code: 'ERR_GUARD_VM_CONNECTED', virtioId: 9 });
  });

  it("leaves alone a relay on another PF's live VF whose number the configuration does not claim, and takes back one it claims", () => {
    const other = '0000:05:08.0' as PciAddress;
    const foreign = (virtioId: number) =>
      observed([ready], {
        forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, vf(1).pci), relay(virtioId, other)] },
        othersVfs: [other],
      });
    expect(plan(config(), foreign(9), { force: false }).steps).toEqual([]);
    // Unrecorded, 0000:02:08.1 gets a free number: relay 2 stays the other VF's.
    const unclaimed = observed([ready], {
      forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, other)] },
      othersVfs: [other],
    });
    expect(plan(config(), unclaimed, { force: false }).steps).toEqual([
      expect.objectContaining({ kind: 'attach-relay', virtioId: 3, vf: vf(1).pci }),
    ]);
    // Relay 2 is recorded for 0000:02:08.1: the other VF gives it up.
    const claimed = {
      ...unclaimed,
      relayNumbers: new Map([
        [vf(0).pci, 1],
        [vf(1).pci, 2],
      ]),
    };
    expect(plan(config(), claimed, { force: false }).steps).toEqual([
      expect.objectContaining({ kind: 'detach-relay', virtioId: 2, vf: other }),
      expect.objectContaining({ kind: 'attach-relay', virtioId: 2, vf: vf(1).pci }),
    ]);
  });

  it('a configuration that matches no PF (a file caught half-written) detaches nothing whose VF still exists', () => {
    const live = observed([], {
      forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, vf(1).pci)] },
      othersVfs: [vf(0).pci, vf(1).pci],
    });
    expect(plan(config({ match: { pci: '0000:09:00.0' as PciAddress } }), live, { force: false }).steps).toEqual([]);
  });

  it('explicit relays resolve {pf, index} through the PF netdev', () => {
    const c = config({}, { relays: [{ virtioId: 7, vf: { pf: 'enp2s0np0', index: 1 } }] });
    expect(plan(c, observed([ready]), { force: false }).steps).toEqual([
      expect.objectContaining({ kind: 'attach-relay', virtioId: 7, vf: '0000:02:08.1' }),
    ]);
  });

  it('a forwarder that fails holds up only the relay work: waited for when absent (starting), blocked when it answers wrongly', () => {
    const down = (absent: boolean) =>
      plan(config(), observed([pf()], { forwarder: { reachable: false, reason: 'nothing listens on ipc:///x', absent } }), {
        force: false,
      });
    expect(kinds(down(true).steps)).toContain('bind-driver');
    expect(down(true).refusals).toEqual([
      expect.objectContaining({
        kind: 'waiting',
        code: 'ERR_FORWARDER_UNREACHABLE',
        why: 'Relays wait for virtio-forwarder: nothing listens on ipc:///x',
      }),
    ]);
    expect(kinds(down(false).steps)).toContain('bind-driver');
    expect(down(false).refusals).toEqual([expect.objectContaining({ kind: 'blocked', code: 'ERR_FORWARDER_UNREACHABLE' })]);
  });

  it('gives sockets to the configured owner, and reports an owner that does not exist', () => {
    const sockets = {
      dir: '/tmp/vf',
      entries: [
        { path: '/tmp/vf', uid: 0, gid: 0 },
        { path: '/tmp/vf/virtio-forwarder1.sock', uid: 64055, gid: 108 },
      ],
      owner: { uid: 64055, gid: 108 },
      ownerError: null,
      listError: null,
    };
    const done = observed([ready], { sockets, forwarder: { reachable: true, relays: [relay(1, vf(0).pci), relay(2, vf(1).pci)] } });
    expect(plan(config(), done, { force: false }).steps).toEqual([
      expect.objectContaining({ kind: 'chown-socket', path: '/tmp/vf', uid: 64055, gid: 108 }),
    ]);
    const unknown = observed([ready], {
      sockets: { ...sockets, owner: null, ownerError: 'No user named "libvirt-qemu"' },
      forwarder: done.forwarder,
    });
    expect(plan(config(), unknown, { force: false }).refusals).toEqual([expect.objectContaining({ code: 'ERR_SOCKET_OWNER' })]);
  });
});
