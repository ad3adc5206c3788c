// Host metrics without Kubernetes: a node_exporter textfile written after
// every run (metrics-state.ts accumulates what it says). Formatting is
// pure; the file is replaced atomically. contrib/prometheus's alert rules
// read these names: test/integration/prometheus checks they still match.
import { access, rename, writeFile } from 'node:fs/promises';
import { isRelayAttached } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import type { MetricsState } from './metrics-state.js';

export { createMetricsState, recordRun, type MetricsState, type RunScope } from './metrics-state.js';

/** node_exporter's textfile directories: upstream's, then Debian's prometheus-node-exporter. */
export const TEXTFILE_DIRS = ['/var/lib/node_exporter/textfile_collector', '/var/lib/prometheus/node-exporter'];

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
      'VFs per PF: created, bound to vfio-pci, the most it offers, and the configured count.',
      pfs.flatMap((pf) => [
        `vfkeeper_vfs{pf="${pf.pci}",state="created"} ${pf.numVfs}`,
        `vfkeeper_vfs{pf="${pf.pci}",state="vfio-pci"} ${pf.vfs.filter((v) => v.driver === 'vfio-pci').length}`,
        `vfkeeper_vfs{pf="${pf.pci}",state="total"} ${pf.totalVfs}`,
        ...formatWanted(state, pf.pci),
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
    ...formatPfBlocks(state),
  ];
  return `${out.join('\n')}\n`;
}

function formatWanted(state: MetricsState, pf: PciAddress): string[] {
  const n = state.gauges.vfsWanted.get(pf);
  return n === undefined ? [] : [`vfkeeper_vfs{pf="${pf}",state="wanted"} ${n}`];
}

/** Per PF: relays wanted and attached, and the outcome of the last run that covered it. */
function formatPfBlocks(state: MetricsState): string[] {
  const g = state.gauges;
  const pfs = [...state.pfs];
  return [
    block(
      'vfkeeper_relays',
      'gauge',
      'Relays per PF: configured, and attached to their VF.',
      [...g.relaysWanted].flatMap(([pf, n]) => [
        `vfkeeper_relays{pf="${pf}",state="wanted"} ${n}`,
        `vfkeeper_relays{pf="${pf}",state="attached"} ${g.relaysAttached.get(pf) ?? 0}`,
      ]),
    ),
    block(
      'vfkeeper_pf_failing',
      'gauge',
      '1 when the last run for the PF had a failed step or could not read it.',
      pfs.map(([pf, o]) => `vfkeeper_pf_failing{pf="${pf}"} ${o.failing ? 1 : 0}`),
    ),
    block(
      'vfkeeper_refusals_waiting',
      'gauge',
      'Changes the last run for the PF refused until an operator acts (workload guard, stray VFs, firmware, stuck).',
      pfs.map(([pf, o]) => `vfkeeper_refusals_waiting{pf="${pf}"} ${o.refusals}`),
    ),
    block(
      'vfkeeper_pf_last_success_timestamp_seconds',
      'gauge',
      'When a run last found the PF as configured.',
      pfs.flatMap(([pf, o]) => (o.lastSuccess === null ? [] : [`vfkeeper_pf_last_success_timestamp_seconds{pf="${pf}"} ${o.lastSuccess}`])),
    ),
  ];
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
  private writing: Promise<void> = Promise.resolve();

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
    // One write at a time: two at once share the temporary file's name, and
    // the second rename finds it gone (a timer's write and stop()'s flush).
    // The earlier write's failure is its own caller's (that flush awaited
    // it and logs it); here it only orders this write after it.
    const next = this.writing.catch(() => undefined).then(() => this.write());
    this.writing = next;
    await next;
  }
}
