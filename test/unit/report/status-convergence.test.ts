// `status` says whether the host is converged, and if not, why: what
// configuration management (the Ansible role) waits for.
import { describe, expect, it } from 'vitest';
import { formatStatus } from '../../../src/report/format-status.js';
import { buildStatus } from '../../../src/report/status.js';
import { config, observed, pf, relay, vf } from '../../helpers/observed.js';

const NOT_PAUSED = { paused: false, reason: null };
const vfs = [vf(0), vf(1)];
const relays = [relay(1, vfs[0]?.pci ?? null), relay(2, vfs[1]?.pci ?? null)];

describe('status: converged or not, and why', () => {
  it('is converged when nothing is left to do', () => {
    const view = buildStatus(
      config({ vfs: 2 }),
      observed([pf({ numVfs: 2, vfs })], { forwarder: { reachable: true, relays } }),
      NOT_PAUSED,
    );
    expect(view).toMatchObject({ converged: true, not_converged: [] });
    expect(formatStatus(view)).toMatch(/\nConverged: the host is as configured\.\n$/);
  });

  it('lists each step still to do and each refusal', () => {
    const onNic = [vf(0), vf(1, { driver: 'nfp_netvf', driverOverride: null })];
    const seen = observed([pf({ numVfs: 2, vfs: onNic })], { forwarder: { reachable: true, relays: [relays[0] ?? relay(1, null)] } });
    const view = buildStatus(config({ vfs: 2 }), seen, NOT_PAUSED);
    expect(view.converged).toBe(false);
    expect(view.not_converged).toEqual(expect.arrayContaining([`to do: bind ${onNic[1]?.pci ?? ''} to vfio-pci`]));
    expect(formatStatus(view)).toContain(`Not converged:\n  to do: bind ${onNic[1]?.pci ?? ''} to vfio-pci\n`);

    const unreachable = observed([pf({ numVfs: 2, vfs })], { forwarder: { reachable: false, reason: 'stats does not exist' } });
    const down = buildStatus(config({ vfs: 2 }), unreachable, NOT_PAUSED);
    expect(down.converged).toBe(false);
    expect(down.not_converged).toEqual(['refused: Relays are unknown: stats does not exist']);
  });
});
