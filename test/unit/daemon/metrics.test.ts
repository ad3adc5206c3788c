import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ThrottledMetricsWriter, createMetricsState, formatMetrics, recordRun, writeMetrics } from '../../../src/daemon/metrics.js';
import { config, observed, pf, relay, vf, runReport as report } from '../../helpers/observed.js';

const whole = { config: config({ vfs: 2 }), only: null };

describe('node_exporter metrics', () => {
  it('count runs and steps, and show VFs, relays and packet counters from the last run', () => {
    const m = createMetricsState();
    const step = { kind: 'bind-driver' as const, pf: vf(0).pci, vf: vf(0).pci, index: 0, from: null, to: 'vfio-pci', why: '' };
    recordRun(
      m,
      report({ converged: false, exitStatus: 1, steps: [{ step, result: 'failed', message: '', durationUsec: 1 }] }),
      100,
      whole,
    );
    const seen = observed([pf({ numVfs: 2, vfs: [vf(0), vf(1, { driver: 'nfp_netvf' })] })], {
      forwarder: { reachable: true, relays: [relay(1, vf(0).pci, { counters: { pkts_rx_from_vf: 42, bytes_rx_from_vf: 9 } })] },
    });
    recordRun(m, report({ observed: seen, steps: [{ step, result: 'ok', message: '', durationUsec: 1 }] }), 200, whole);
    const text = formatMetrics(m);
    expect(text).toContain('vfkeeper_runs_total{result="converged"} 1');
    expect(text).toContain('vfkeeper_runs_total{result="failed"} 1');
    expect(text).toContain('vfkeeper_steps_total{kind="bind-driver",result="failed"} 1');
    expect(text).toContain('vfkeeper_last_success_timestamp_seconds 200');
    expect(text).toContain('vfkeeper_vfs{pf="0000:02:00.0",state="vfio-pci"} 1');
    expect(text).toContain('vfkeeper_relays_attached 1');
    expect(text).toContain('vfkeeper_relay_packets_total{relay="1",counter="pkts_rx_from_vf"} 42');
    expect(text).not.toContain('bytes_rx_from_vf');
  });

  it('is written atomically, at most once per interval, and the last state always lands', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vfk-metrics-'));
    try {
      let n = 0;
      const file = join(dir, 'vfkeeper.prom');
      const writer = new ThrottledMetricsWriter(() => writeMetrics(file, `n ${++n}\n`), 50);
      for (let i = 0; i < 100; i++) writer.request();
      await expect.poll(() => n, { timeout: 2000 }).toBe(1);
      writer.request();
      await writer.flush();
      expect(n).toBe(2);
      expect(readFileSync(file, 'utf8')).toBe('n 2\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes one at a time when a flush comes while a write is going on', async () => {
    let active = 0;
    let most = 0;
    const writer = new ThrottledMetricsWriter(async () => {
      most = Math.max(most, ++active);
      await new Promise((r) => setImmediate(r));
      active--;
    }, 50);
    await Promise.all([writer.flush(), writer.flush(), writer.flush()]);
    expect(most).toBe(1);
  });
});
