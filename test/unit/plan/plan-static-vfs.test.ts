// The forwarder's static VFs (VIRTIOFWD_STATIC_VFS): theirs, not vfkeeper's.
// Table tests on plain data: a VF and a relay number the forwarder owns are
// never detached, attached or given to another VF; a count change that would
// remove one is refused; an unknown list is never taken as empty.
import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/plan.js';
import { assignRelayNumbers } from '../../../src/plan/relay-numbers.js';
import type { PciAddress } from '../../../src/model/pci.js';
import type { Step } from '../../../src/model/step.js';
import type { ObservedStaticVfs } from '../../../src/model/static-vfs.js';
import { buildStatus } from '../../../src/report/status.js';
import { config, observed, pf, relay, vf } from '../../helpers/observed.js';

const FILE = '/etc/default/virtioforwarder';
const vfs = [vf(0), vf(1), vf(2)];
const pci = (i: number): PciAddress => vfs[i]?.pci ?? ('' as PciAddress);
const statics = (entries: Array<[number, number]>, error: string | null = null): ObservedStaticVfs => ({
  file: FILE,
  entries: entries.map(([i, virtioId]) => ({ pci: pci(i), virtioId })),
  error,
});
const relaySteps = (steps: Step[]): string[] =>
  steps.flatMap((s) => (s.kind === 'attach-relay' || s.kind === 'detach-relay' ? [`${s.kind} ${s.virtioId} ${s.vf ?? '-'}`] : []));

describe('relays: auto with static VFs', () => {
  it.each([
    {
      name: 'the static VF is not attached by vfkeeper, and its number goes to no other VF',
      entries: [[1, 1]] as Array<[number, number]>,
      relays: [],
      want: [`attach-relay 2 ${pci(0)}`, `attach-relay 3 ${pci(2)}`],
    },
    {
      name: 'the forwarder attached its static VF: left attached, the others numbered around it',
      entries: [[1, 7]] as Array<[number, number]>,
      relays: [relay(7, pci(1))],
      want: [`attach-relay 1 ${pci(0)}`, `attach-relay 2 ${pci(2)}`],
    },
    {
      name: 'a static relay number carrying a VF vfkeeper wanted elsewhere is not detached',
      entries: [[2, 1]] as Array<[number, number]>,
      relays: [relay(1, pci(2))],
      want: [`attach-relay 2 ${pci(0)}`, `attach-relay 3 ${pci(1)}`],
    },
  ])('$name', ({ entries, relays, want }) => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 3, vfs })], {
      forwarder: { reachable: true, relays },
      staticVfs: statics(entries),
    });
    const p = plan(config({ vfs: 3 }), seen, { force: false });
    expect(relaySteps(p.steps)).toEqual(want);
    expect(p.refusals).toEqual([]);
    // The record keeps the forwarder's VF out: nothing of theirs is written as vfkeeper's.
    expect([...(p.relayNumbers?.keys() ?? [])]).not.toContain(pci(entries[0]?.[0] ?? 0));
  });

  it('a recorded number that the forwarder now holds statically is not attached: a warning, and no move', () => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 3, vfs })], {
      relayNumbers: new Map([[pci(0), 5]]),
      staticVfs: { file: FILE, entries: [{ pci: '0000:05:08.1' as PciAddress, virtioId: 5 }], error: null },
    });
    const p = plan(config({ vfs: 3 }), seen, { force: false });
    expect(relaySteps(p.steps)).toEqual([`attach-relay 1 ${pci(1)}`, `attach-relay 2 ${pci(2)}`]);
    expect(p.refusals).toEqual([
      expect.objectContaining({
        kind: 'warning',
        code: 'ERR_STATIC_VF_OVERLAP',
        why: `Relay 5 (${pci(0)}) is left to the forwarder: VIRTIOFWD_STATIC_VFS in ${FILE} lists 0000:05:08.1=5`,
      }),
    ]);
  });

  it('assignRelayNumbers skips reserved numbers and adopts no relay on one', () => {
    const n = assignRelayNumbers({
      recorded: new Map(),
      vfs: [pci(0), pci(2)],
      attached: [{ virtioId: 2, vf: pci(0) }],
      reserved: new Set([1, 2]),
    });
    expect([...n.record]).toEqual([
      [pci(0), 3],
      [pci(2), 4],
    ]);
  });
});

describe('a relay list that claims a static VF or number', () => {
  it.each([
    { name: 'by VF', rule: { virtioId: 4, vf: { pci: pci(1) } }, why: `Relay 4 (${pci(1)}) is left to the forwarder` },
    { name: 'by number', rule: { virtioId: 9, vf: { pf: 'enp2s0np0', index: 0 } }, why: `Relay 9 (${pci(0)}) is left to the forwarder` },
  ])('$name: not attached, a warning naming both', ({ rule, why }) => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 3, vfs })], {
      staticVfs: { file: FILE, entries: [{ pci: pci(1), virtioId: 9 }], error: null },
    });
    const p = plan(config({ vfs: 3 }, { relays: [rule] }), seen, { force: false });
    expect(relaySteps(p.steps)).toEqual([]);
    expect(p.refusals).toEqual([
      expect.objectContaining({ kind: 'warning', code: 'ERR_STATIC_VF_OVERLAP', why: expect.stringContaining(why) }),
    ]);
  });
});

describe('the workload guard and the static VFs', () => {
  it.each([false, true])('refuses a count change that would remove a static VF (force: %s), and detaches nothing', (force) => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 4, vfs })], {
      forwarder: { reachable: true, relays: [relay(7, pci(1)), relay(1, pci(0))] },
      staticVfs: statics([[1, 7]]),
    });
    const p = plan(config({ vfs: 4 }), seen, { force });
    expect(p.steps.filter((s) => s.kind === 'set-numvfs' || s.kind === 'detach-relay')).toEqual([]);
    expect(p.refusals).toContainEqual(
      expect.objectContaining({
        kind: 'guard',
        code: 'ERR_GUARD_STATIC_VF',
        why: `Not changing the VF count of 0000:02:00.0 from 3 to 4: the forwarder owns ${pci(1)} (relay 7) (VIRTIOFWD_STATIC_VFS in ${FILE}), and removing the VFs would pull them from under it`,
      }),
    );
  });

  it('a static VF of another PF does not hold this one back', () => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 4, vfs })], {
      staticVfs: { file: FILE, entries: [{ pci: '0000:05:08.1' as PciAddress, virtioId: 20 }], error: null },
    });
    expect(plan(config({ vfs: 4 }), seen, { force: false }).steps.filter((s) => s.kind === 'set-numvfs')).toHaveLength(2);
  });
});

describe('an unknown static list (unreadable file, malformed value)', () => {
  const broken = statics(
    [],
    `${FILE}: VIRTIOFWD_STATIC_VFS="(0000:05:08.1)": "0000:05:08.1" is not <PCI address>=<relay number 0-59> (e.g. 0000:05:08.1=1)`,
  );

  it('blocks every relay change, naming the file and the value', () => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 3, vfs })], {
      forwarder: { reachable: true, relays: [relay(4, pci(0))] },
      staticVfs: broken,
    });
    const p = plan(config({ vfs: 3 }), seen, { force: false });
    expect(relaySteps(p.steps)).toEqual([]);
    expect(p.refusals).toEqual([
      expect.objectContaining({
        kind: 'blocked',
        code: 'ERR_STATIC_VFS',
        why: expect.stringContaining(`the forwarder's static VFs are unknown (${FILE}: VIRTIOFWD_STATIC_VFS="(0000:05:08.1)"`),
      }),
    ]);
  });

  it('refuses a count change unless forced', () => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 4, vfs })], { staticVfs: broken });
    expect(plan(config({ vfs: 4 }), seen, { force: false }).refusals).toContainEqual(
      expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_STATIC_UNKNOWN' }),
    );
    expect(plan(config({ vfs: 4 }), seen, { force: true }).steps.filter((s) => s.kind === 'set-numvfs')).toHaveLength(2);
  });

  it('does not matter with relays: observe (vfkeeper changes no relay there)', () => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 3, vfs })], { staticVfs: broken });
    expect(plan(config({ vfs: 3 }, { relays: 'observe' }), seen, { force: false }).refusals).toEqual([]);
  });
});

describe('status', () => {
  it('marks the static VF relay.static with the forwarder number, and lists the static VFs', () => {
    const seen = observed([pf({ numVfs: 3, totalVfs: 3, vfs })], {
      forwarder: { reachable: true, relays: [relay(7, pci(1)), relay(1, pci(0))] },
      staticVfs: statics([[1, 7]]),
    });
    const view = buildStatus(config({ vfs: 3 }), seen, { paused: false, reason: null });
    expect(view.pfs[0]?.vfs.map((v) => v.relay)).toEqual([
      expect.objectContaining({ virtio_id: 1, state: 'attached', static: false }),
      expect.objectContaining({ virtio_id: 7, state: 'attached', static: true }),
      expect.objectContaining({ virtio_id: 2, state: 'detached', static: false }),
    ]);
    expect(view.static_vfs).toEqual({ file: FILE, vfs: [{ pci: pci(1), virtio_id: 7 }], error: null });
  });
});
