import { describe, expect, it } from 'vitest';
import { createMetricsState, formatMetrics, recordRun } from '../../../src/daemon/metrics.js';
import { config, observed, pf, relay, vf, PF, runReport as report } from '../../helpers/observed.js';

const whole = { config: config({ vfs: 'max' }), only: null };

describe('per-PF metrics for the alert rules', () => {
  it('show VFs and relays wanted against what is there, and a converged PF with no failure or refusal', () => {
    const m = createMetricsState();
    const vfs = [vf(0), vf(1), vf(2), vf(3)];
    const seen = observed([pf({ numVfs: 4, vfs })], {
      forwarder: {
        reachable: true,
        relays: [
          relay(1, vfs[0]?.pci ?? null),
          relay(2, vfs[1]?.pci ?? null),
          relay(3, vfs[2]?.pci ?? null),
          relay(4, vfs[3]?.pci ?? null),
        ],
      },
    });
    recordRun(m, report({ observed: seen }), 500, whole);
    const text = formatMetrics(m);
    expect(text).toContain(`vfkeeper_vfs{pf="${PF}",state="wanted"} 4`);
    expect(text).toContain(`vfkeeper_relays{pf="${PF}",state="wanted"} 4`);
    expect(text).toContain(`vfkeeper_relays{pf="${PF}",state="attached"} 4`);
    expect(text).toContain(`vfkeeper_pf_failing{pf="${PF}"} 0`);
    expect(text).toContain(`vfkeeper_refusals_waiting{pf="${PF}"} 0`);
    expect(text).toContain(`vfkeeper_pf_last_success_timestamp_seconds{pf="${PF}"} 500`);
  });

  it('count refusals waiting and failing runs per PF, and keep the last success of a PF that stopped converging', () => {
    const m = createMetricsState();
    const vfs = [vf(0), vf(1)];
    const two = observed([pf({ numVfs: 2, vfs })], {
      forwarder: { reachable: true, relays: [relay(1, vfs[0]?.pci ?? null), relay(2, vfs[1]?.pci ?? null)] },
    });
    recordRun(m, report({ observed: two }), 100, { config: config({ vfs: 2 }), only: null });
    const held = observed([pf({ numVfs: 2, vfs: [vf(0, { vfioHolders: ['qemu (pid 7)'] }), vf(1)] })], { forwarder: two.forwarder });
    const refusal = { kind: 'guard' as const, pf: PF, code: 'ERR_GUARD_VF_IN_USE' as const, why: 'in use', hint: 'stop the VM' };
    recordRun(m, report({ observed: held, refusals: [refusal], converged: false, exitStatus: 3 }), 200, {
      config: config({ vfs: 4 }),
      only: [PF],
    });
    const text = formatMetrics(m);
    expect(text).toContain(`vfkeeper_vfs{pf="${PF}",state="wanted"} 4`);
    expect(text).toContain(`vfkeeper_vfs{pf="${PF}",state="created"} 2`);
    expect(text).toContain(`vfkeeper_refusals_waiting{pf="${PF}"} 1`);
    expect(text).toContain(`vfkeeper_pf_last_success_timestamp_seconds{pf="${PF}"} 100`);
    const step = { kind: 'bind-driver' as const, pf: PF, vf: vfs[1]?.pci ?? PF, index: 1, from: null, to: 'vfio-pci', why: '' };
    recordRun(
      m,
      report({ observed: held, steps: [{ step, result: 'failed', message: '', durationUsec: 1 }], converged: false, exitStatus: 1 }),
      300,
      { config: config({ vfs: 2 }), only: null },
    );
    expect(formatMetrics(m)).toContain(`vfkeeper_pf_failing{pf="${PF}"} 1`);
  });

  it('forget a PF that a whole-host run no longer sees', () => {
    const m = createMetricsState();
    recordRun(m, report({ observed: observed([pf({ numVfs: 0 })]) }), 100, { config: config({ vfs: 0 }), only: null });
    expect(formatMetrics(m)).toContain(`vfkeeper_pf_failing{pf="${PF}"} 0`);
    recordRun(m, report({ observed: observed([]) }), 200, { config: config({ vfs: 0 }), only: null });
    expect(formatMetrics(m)).not.toContain(`pf="${PF}"`);
  });
});
