// What one converged per-PF run is made of: each part of observe -> plan ->
// metrics timed alone on the same host, ITERATIONS times, median. The parts
// run one after another in a real run, so their sum is close to its cost.
import { findManagedPfs } from '../../dist/reconcile/find-managed-pfs.js';
import { observe } from '../../dist/reconcile/observe.js';
import { observeForwarder } from '../../dist/reconcile/observe-forwarder.js';
import { observePf } from '../../dist/reconcile/observe-pf.js';
import { plan } from '../../dist/plan/plan.js';
import { reconcile } from '../../dist/reconcile/run.js';
import { createMetricsState, formatMetrics, recordRun, writeMetrics } from '../../dist/daemon/metrics.js';
import { QUICK, createSinkLogger, median, msSince } from './setup.mjs';

const ITERATIONS = QUICK ? 5 : 300;

async function timeMedian(work) {
  for (let i = 0; i < (QUICK ? 1 : 30); i++) await work();
  const times = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    await work();
    times.push(msSince(t0));
  }
  return median(times);
}

/** [[part, median ms], ...] for a converged host; `metricsFile` null skips the write. */
export async function measureRunParts({ host, config, forwarder, metricsFile }) {
  const { observed } = await observe(host, config, forwarder);
  const pf = observed.pfs[0]?.pci;
  const metrics = createMetricsState();
  recordRun(metrics, await reconcile({ host, forwarder, config, logger: createSinkLogger() }, { event: 'timer' }), 0, {
    config,
    only: null,
  });
  const parts = [
    ['findManagedPfs (list devices, which are PFs)', () => findManagedPfs(host, config)],
    // The workload scan as observe() passes it: read once per observation.
    ['observePf (the PF and its VFs, simulated sysfs)', () => observePf(host, pf, () => host.workload.openVfioGroups())],
    ['observeForwarder (stats of every relay over ZeroMQ)', () => observeForwarder(config, forwarder)],
    ['files.listSockets (readdir + lstat of each socket)', () => host.files.listSockets(config.forwarder.socketDir)],
    ['files.resolveOwner (cached after the first run)', () => host.files.resolveOwner(config.forwarder.socketOwner)],
    ['plan (pure)', () => plan(config, observed, { force: false })],
    [
      'formatMetrics + writeMetrics (file in tmp)',
      // Its own file: the daemon's throttled writer may write the daemon's meanwhile (same temporary name).
      () => (metricsFile === null ? undefined : writeMetrics(`${metricsFile}.breakdown`, formatMetrics(metrics))),
    ],
  ];
  const out = [];
  for (const [name, work] of parts) out.push([name, await timeMedian(work)]);
  return out;
}
