// While the forwarder's relays are unknown (it has not answered, or failed
// to), the planner fails closed: nothing a relay may hold is removed or
// rebound, and the VF work that touches nothing in use goes on.
import { describe, expect, it } from 'vitest';
import type { ObservedForwarder } from '../../../src/model/observed.js';
import { plan } from '../../../src/plan/plan.js';
import { config, observed, pf, vf } from '../../helpers/observed.js';

const PENDING: ObservedForwarder = { reachable: false, pending: true, reason: 'virtio-forwarder has not answered the relay query' };
const DOWN: ObservedForwarder = { reachable: false, reason: 'nothing is listening there' };

describe.each([
  ['has not answered', PENDING],
  ['failed', DOWN],
])('the forwarder %s', (_, forwarder) => {
  it('a count change on a PF with VFs is refused by the guard, and nothing of the PF is changed', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 4, vfs: [vf(0), vf(1)] })], { forwarder });
    const p = plan(config({ vfs: 4 }), seen, { force: false });
    expect(p.steps.filter((s) => s.kind === 'set-numvfs' || s.kind === 'bind-driver')).toEqual([]);
    expect(p.refusals).toContainEqual(
      expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_RELAYS_UNKNOWN', why: expect.stringContaining('from 2 to 4') }),
    );
  });

  it('VFs are created on a PF with none and bound, with no relay step', () => {
    const seen = observed([pf({ numVfs: 0, totalVfs: 2, vfs: [] })], { forwarder });
    const p = plan(config({ vfs: 2 }), seen, { force: false });
    expect(p.steps.map((s) => s.kind)).toEqual(['set-numvfs', 'bind-driver', 'bind-driver']);
    expect(p.refusals.map((r) => r.code)).toEqual([forwarder === PENDING ? 'ERR_FORWARDER_PENDING' : 'ERR_FORWARDER_UNREACHABLE']);
  });

  it('a VF on vfio-pci is not rebound to another driver; an unbound one is bound', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 2, vfs: [vf(0), vf(1, { driver: null, driverOverride: null })] })], { forwarder });
    const p = plan(config({ vfs: 2, vfDriver: 'nfp_netvf' }), seen, { force: false });
    expect(p.steps.filter((s) => s.kind === 'bind-driver').map((s) => ('vf' in s ? s.vf : null))).toEqual([vf(1).pci]);
    expect(p.refusals).toContainEqual(
      expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_RELAYS_UNKNOWN', why: expect.stringContaining(`${vf(0).pci} (vfio-pci)`) }),
    );
  });

  it('--force acts anyway, as with the other guards', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 4, vfs: [vf(0), vf(1)] })], { forwarder });
    const p = plan(config({ vfs: 4 }), seen, { force: true });
    expect(p.steps.filter((s) => s.kind === 'set-numvfs').map((s) => ('to' in s ? s.to : null))).toEqual([0, 4]);
  });
});

describe('relays: observe (vfkeeper never detaches a relay)', () => {
  it('a count change waits while the relays are unknown, even with --force', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 4, vfs: [vf(0), vf(1)] })], { forwarder: PENDING });
    const p = plan(config({ vfs: 4 }, { relays: 'observe' }), seen, { force: true });
    expect(p.steps.filter((s) => s.kind === 'set-numvfs')).toEqual([]);
    expect(p.refusals).toContainEqual(expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_RELAYS_UNKNOWN' }));
  });
});

describe('no forwarder managed (forwarder.enabled: false)', () => {
  it('there are no relays to hold anything: the count changes', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 4, vfs: [vf(0), vf(1)] })], { forwarder: DOWN });
    const c = config({ vfs: 4 });
    const p = plan({ ...c, forwarder: { ...c.forwarder, enabled: false } }, seen, { force: false });
    expect(p.steps.filter((s) => s.kind === 'set-numvfs').map((s) => ('to' in s ? s.to : null))).toEqual([0, 4]);
    expect(p.refusals).toEqual([]);
  });
});
