// relays: observe: an orchestrator owns the relays; vfkeeper reports them and
// never attaches or detaches one.
import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/plan.js';
import { buildStatus } from '../../../src/report/status.js';
import { config, observed, pf, relay, vf } from '../../helpers/observed.js';

const vfs = [vf(0), vf(1)];
const NOT_PAUSED = { paused: false, reason: null };

describe('relays: observe', () => {
  it('plans no relay step: unattached VFs stay so, relays on VFs vfkeeper would not choose stay too', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 2, vfs })], {
      forwarder: { reachable: true, relays: [relay(7, vfs[1]?.pci ?? null)] },
    });
    const p = plan(config({ vfs: 2 }, { relays: 'observe' }), seen, { force: false });
    expect(p.steps.filter((s) => s.kind === 'attach-relay' || s.kind === 'detach-relay')).toEqual([]);
    expect(p.refusals).toEqual([]);
    // The same host with relays: auto would attach relay 1 and move relay 7.
    const auto = plan(config({ vfs: 2 }), seen, { force: false });
    expect(auto.steps.map((s) => s.kind)).toContain('attach-relay');
  });

  it('an unreachable forwarder is not a problem when vfkeeper does not manage relays', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 2, vfs })], { forwarder: { reachable: false, reason: 'no answer' } });
    expect(plan(config({ vfs: 2 }, { relays: 'observe' }), seen, { force: false }).refusals).toEqual([]);
  });

  it('a count change waits while an observed relay carries one of the VFs (never detached by vfkeeper), even with --force', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 4, vfs })], {
      forwarder: { reachable: true, relays: [relay(3, vfs[0]?.pci ?? null)] },
    });
    const p = plan(config({ vfs: 4 }, { relays: 'observe' }), seen, { force: true });
    expect(p.steps.filter((s) => s.kind === 'set-numvfs' || s.kind === 'detach-relay')).toEqual([]);
    expect(p.refusals).toEqual([
      expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_RELAYS_OBSERVED', why: expect.stringContaining('relays 3 carry') }),
    ]);
  });

  it('status shows the relays the orchestrator attached, by the VF they carry', () => {
    const seen = observed([pf({ numVfs: 2, totalVfs: 2, vfs })], {
      forwarder: { reachable: true, relays: [relay(7, vfs[1]?.pci ?? null)] },
    });
    const view = buildStatus(config({ vfs: 2 }, { relays: 'observe' }), seen, NOT_PAUSED);
    expect(view.pfs[0]?.vfs.map((v) => [v.relay.virtio_id, v.relay.state])).toEqual([
      [null, 'absent'],
      [7, 'attached'],
    ]);
  });
});
