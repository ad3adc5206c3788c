// Per-event overhead of the daemon's machinery on a simulated host
// (design.md: p50 <= 1 ms, p99 <= 5 ms), as figures, asserted nowhere:
//   node bench/per-event.mjs [--quick] [EVENTS]        (after `npx tsc -p tsconfig.json`)
// A converged host (1 PF x 56 VFs, 56 relays attached to an in-process
// emulated forwarder on ipc://); each udev-like event goes through
// Daemon.onEvent -> scopeOf -> the queue -> a per-PF reconcile run that
// finds nothing to do (observe the whole host, read 60 relays over ZeroMQ,
// read the socket directory, plan, no step) -> metrics -> lane idle. One
// event at a time, each waiting for its run. Then a burst: 1,000 events at
// once for one PF. Twice: with a metrics file (in the temporary directory),
// and with metrics_file: null (the default) where no node_exporter
// directory exists. Last, each part of one such run timed alone.
import { Daemon } from '../dist/daemon/daemon.js';
import { createZmqForwarder } from '../dist/dataplane/zmq-forwarder.js';
import { withWriteDeadline } from '../dist/host/deadline-sysfs.js';
import { createSimHost } from '../dist/host/sim/sim-host.js';
import { createSimState } from '../dist/host/sim/state.js';
import { measureRunParts } from './lib/run-breakdown.mjs';
import {
  QUICK,
  createSinkLogger,
  hasTextfileDir,
  makeWorld,
  msSince,
  percentile,
  positional,
  printFigure,
  printHeader,
} from './lib/setup.mjs';

const EVENTS = positional(0, 2000, 20);
const WARMUP = QUICK ? 5 : 200;
const BURST = QUICK ? 50 : 1000;
const PF = '0000:02:00.0';

/**
 * A VF event as udev reports one. `unbind`: news whatever the last run saw,
 * so each wakes a run; a `bind` to the driver the last run saw (or a
 * `change` on a VF it saw) is no news (src/reconcile/seen-events.ts), and
 * wakes none: measured apart.
 */
const vfEvent = (i, action = 'unbind') => ({
  source: 'udev',
  kind: 'pci',
  action,
  pci: `0000:02:${(8 + ((i % 56) >> 3)).toString(16).padStart(2, '0')}.${i % 8}`,
  driver: action === 'unbind' ? null : 'vfio-pci',
  pciId: '19EE:6003',
  physfn: PF,
});

async function scenario(metrics, breakdown) {
  printHeader(`per-event overhead: 1 PF x 56 VFs, 56 relays, ${EVENTS} events, metrics file ${metrics ? 'written (tmp)' : 'off (null)'}`);
  const world = await makeWorld({ metrics });
  await world.emulator.start();
  const config = await world.loadConfig();
  const sim = createSimHost(createSimState({ pfs: 1, totalVfs: 56, numVfs: 0, firmware: 'sriov-2.1.14' }));
  const host = { ...sim, sysfs: withWriteDeadline(sim.sysfs, config.daemon.writeTimeoutMs) };
  const forwarder = createZmqForwarder(config.forwarder);
  const daemon = new Daemon({
    config,
    loadConfig: world.loadConfig,
    host,
    forwarder,
    logger: createSinkLogger(),
    pauseFile: world.path('paused'),
    notifyReady: () => undefined,
  });
  // The queue is private to the daemon; its idle() is exactly "the run this event woke has finished".
  const queue = Reflect.get(daemon, 'queue');
  try {
    await daemon.start();
    const attached = world.emulator.readRelayStates().filter((r) => r.vf_to_vm.internal_state === 'DPDK_ADDED').length;
    if (attached !== 56 || daemon.topologySnapshot().vfs.size !== 56)
      throw new Error(
        `not converged at start: ${attached} relays attached, ${daemon.topologySnapshot().vfs.size} VFs, ${JSON.stringify(daemon.queueStats())}`,
      );
    const tag = metrics ? '' : ' (metrics off)';
    await measureSingles(daemon, queue, tag);
    await measureBurst(daemon, queue, tag);
    await measureSeen(daemon, queue, tag);
    if (breakdown) {
      console.log(`   one converged per-PF run, part by part (median of ${QUICK ? 5 : 300} each):`);
      for (const [name, ms] of await measureRunParts({ host, config, forwarder, metricsFile: config.daemon.metricsFile }))
        console.log(`     ${ms.toFixed(3).padStart(7)} ms  ${name}`);
    }
  } finally {
    await daemon.stop();
    await world.cleanup();
  }
}

async function measureSingles(daemon, queue, tag) {
  const times = [];
  const runsBefore = daemon.queueStats().runs;
  for (let i = 0; i < WARMUP + EVENTS; i++) {
    const t0 = process.hrtime.bigint();
    daemon.onEvent(vfEvent(i));
    await queue.idle();
    if (i >= WARMUP) times.push(msSince(t0));
  }
  const runs = daemon.queueStats().runs - runsBefore;
  if (runs !== WARMUP + EVENTS) throw new Error(`expected one run per event, got ${runs} runs for ${WARMUP + EVENTS} events`);
  times.sort((a, b) => a - b);
  printFigure(`per-event p50${tag}`, percentile(times, 50), 'ms', { op: '<=', value: 1 });
  printFigure(`per-event p99${tag}`, percentile(times, 99), 'ms', { op: '<=', value: 5 });
  console.log(
    `   p90 ${percentile(times, 90).toFixed(3)} ms, max ${times[times.length - 1].toFixed(3)} ms, mean ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(3)} ms`,
  );
}

/** VF binds the last run already read (what a run's own binds cause): they should start no run. */
async function measureSeen(daemon, queue, tag) {
  const before = daemon.queueStats().runs;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BURST; i++) {
    daemon.onEvent(vfEvent(i, 'bind'));
    await queue.idle();
  }
  printFigure(`${BURST} already-seen VF binds, one at a time: runs${tag}`, daemon.queueStats().runs - before, 'runs');
  printFigure(`${BURST} already-seen VF binds: per event${tag}`, msSince(t0) / BURST, 'ms');
}

async function measureBurst(daemon, queue, tag) {
  const before = daemon.queueStats();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < BURST; i++) daemon.onEvent(vfEvent(i));
  const enqueued = msSince(t0);
  await queue.idle();
  const total = msSince(t0);
  printFigure(`burst of ${BURST} events: runs${tag}`, daemon.queueStats().runs - before.runs, 'runs');
  printFigure(`burst of ${BURST} events: total until idle${tag}`, total, 'ms');
  console.log(`   (enqueueing the ${BURST} events took ${enqueued.toFixed(3)} ms)`);
}

await scenario(true, true);
if (await hasTextfileDir())
  console.log('\n   (metrics off skipped: a node_exporter textfile directory exists, and metrics_file: null would write there)');
else await scenario(false, false);
