// Host metrics without Kubernetes: a node_exporter textfile written after
// every run. Counters accumulate in the daemon; gauges come from the run's
// last observation. Formatting is pure; the file is replaced atomically.
import { access, rename, writeFile } from 'node:fs/promises';
import type { RunReport } from '../reconcile/run.js';
import { isRelayAttached } from '../model/observed.js';

/** node_exporter's textfile directories: upstream's, then Debian's prometheus-node-exporter. */
export const TEXTFILE_DIRS = ['/var/lib/node_exporter/textfile_collector', '/var/lib/prometheus/node-exporter'];

export interface MetricsState {
  runs: Map<string, number>;
  steps: Map<string, number>;
  lastSuccess: number | null;
  last: RunReport | null;
}

export function createMetricsState(): MetricsState {
  return { runs: new Map(), steps: new Map(), lastSuccess: null, last: null };
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export function recordRun(state: MetricsState, report: RunReport, nowSeconds: number): void {
  bump(state.runs, report.converged ? 'converged' : report.exitStatus === 3 ? 'refused' : 'failed');
  for (const s of report.steps) bump(state.steps, `kind="${s.step.kind}",result="${s.result}"`);
  if (report.converged) state.lastSuccess = nowSeconds;
  if (report.observed) state.last = report;
}

function block(name: string, type: 'counter' | 'gauge', help: string, samples: string[]): string {
  return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples].join('\n');
}

export function formatMetrics(state: MetricsState): string {
  const pfs = state.last?.observed?.pfs ?? [];
  const fwd = state.last?.observed?.forwarder;
  const relays = fwd?.reachable ? fwd.relays : [];
  const out = [
    block(
      'vfkeeper_runs_total',
      'counter',
      'Reconcile runs by outcome.',
      [...state.runs].map(([r, n]) => `vfkeeper_runs_total{result="${r}"} ${n}`),
    ),
    block(
      'vfkeeper_steps_total',
      'counter',
      'Steps by kind and result.',
      [...state.steps].map(([k, n]) => `vfkeeper_steps_total{${k}} ${n}`),
    ),
    block(
      'vfkeeper_last_success_timestamp_seconds',
      'gauge',
      'When a run last converged.',
      state.lastSuccess === null ? [] : [`vfkeeper_last_success_timestamp_seconds ${state.lastSuccess}`],
    ),
    block(
      'vfkeeper_vfs',
      'gauge',
      'VFs per PF: created, and bound to vfio-pci.',
      pfs.flatMap((pf) => [
        `vfkeeper_vfs{pf="${pf.pci}",state="created"} ${pf.numVfs}`,
        `vfkeeper_vfs{pf="${pf.pci}",state="vfio-pci"} ${pf.vfs.filter((v) => v.driver === 'vfio-pci').length}`,
        `vfkeeper_vfs{pf="${pf.pci}",state="total"} ${pf.totalVfs}`,
      ]),
    ),
    block(
      'vfkeeper_forwarder_up',
      'gauge',
      '1 when the forwarder answered the last run.',
      fwd ? [`vfkeeper_forwarder_up ${fwd.reachable ? 1 : 0}`] : [],
    ),
    block(
      'vfkeeper_relays_attached',
      'gauge',
      'Relays with a VF attached.',
      fwd ? [`vfkeeper_relays_attached ${relays.filter(isRelayAttached).length}`] : [],
    ),
    block(
      'vfkeeper_relay_packets_total',
      'counter',
      'Relay packet counters as the forwarder reports them.',
      relays.flatMap((r) =>
        Object.entries(r.counters)
          .filter(([k]) => k.startsWith('pkts_'))
          .map(([k, v]) => `vfkeeper_relay_packets_total{relay="${r.virtioId}",counter="${k}"} ${v}`),
      ),
    ),
  ];
  return `${out.join('\n')}\n`;
}

/** Writes only where wanted: the configured file, else into the first textfile directory that exists. */
export async function writeMetrics(file: string | null, text: string, dirs: readonly string[] = TEXTFILE_DIRS): Promise<void> {
  let target = file;
  for (const dir of file === null ? dirs : []) {
    if (
      target === null &&
      (await access(dir).then(
        () => true,
        () => false,
      ))
    )
      target = `${dir}/vfkeeper.prom`;
  }
  if (target === null) return;
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, target);
}

/**
 * Writes the textfile at most once per interval (node_exporter scrapes every
 * 15 s or so): a burst of runs costs one write, and the last state is always
 * written, at the latest one interval after the run that produced it.
 */
export class ThrottledMetricsWriter {
  private lastWrite = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly write: () => Promise<void>,
    private readonly intervalMs = 5000,
  ) {}

  request(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
    this.timer.unref();
  }

  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.lastWrite = Date.now();
    await this.write();
  }
}
