// The daemon's resident memory (design.md: <= 60 MB), as figures asserted
// nowhere:   node bench/daemon-rss.mjs [EVENTS]   (after `npx tsc -p tsconfig.json`)
// Starts `vfkeeper daemon --simulate H --config C --control-socket S` (its
// log on stderr, its state directory in a temporary directory) against a
// fresh simulated host (1 PF, 56 VFs, numvfs 0) and an emulated forwarder
// served from this process; waits until its control socket answers and it
// has converged (56 VFs on vfio-pci, 56 relays attached); reads VmRSS from
// /proc/PID/status; sends EVENTS dispatcher-hook events for the PF over the
// control socket (each wakes the PF's lane; bursts coalesce), waits for the
// queue to drain (a full reconcile request queues behind them), reads VmRSS
// and VmHWM again, and once more after 15 s idle (the idle collector runs
// 10 s after the last run); then SIGTERM, and SIGKILL if it has not exited
// in 10 s. The daemon gets the NODE_OPTIONS units/vfkeeper.service sets.
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { requestControl } from '../dist/control/client.js';
import { createSimState } from '../dist/host/sim/state.js';
import { makeWorld, msSince, printFigure, printHeader } from './lib/setup.mjs';

const EVENTS = Number(process.argv[2] ?? 1000);
/** More node flags for the daemon process, to compare (e.g. "--max-semi-space-size=1"). */
const NODE_FLAGS = (process.env.VFK_BENCH_DAEMON_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const CLI = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const UNIT = fileURLToPath(new URL('../units/vfkeeper.service', import.meta.url));
const IDLE_MS = 15_000;

async function main() {
  const nodeOptions = /^Environment=NODE_OPTIONS=(.*)$/m.exec(await readFile(UNIT, 'utf8'))?.[1] ?? '';
  printHeader(
    `daemon RSS: 1 PF x 56 VFs, 56 relays, ${EVENTS} hook events; NODE_OPTIONS=${nodeOptions}${NODE_FLAGS.length > 0 ? `, node ${NODE_FLAGS.join(' ')}` : ''}`,
  );
  const world = await makeWorld();
  let daemon = null;
  try {
    await world.emulator.start();
    const hostFile = world.path('host.json');
    await writeFile(
      hostFile,
      `${JSON.stringify(createSimState({ pfs: 1, totalVfs: 56, numVfs: 0, firmware: 'sriov-2.1.14' }), null, 1)}\n`,
    );
    const socket = world.path('control.sock');
    const t0 = process.hrtime.bigint();
    daemon = startDaemon(['daemon', '--simulate', hostFile, '--config', world.configPath, '--control-socket', socket], world, nodeOptions);
    await waitConverged(socket, daemon);
    printFigure('daemon start to converged and answering', msSince(t0), 'ms');
    await printRss(daemon.pid, 'after convergence');
    await sendEvents(socket);
    await printRss(daemon.pid, `after ${EVENTS} events`);
    await sleep(IDLE_MS);
    await printRss(daemon.pid, `after ${IDLE_MS / 1000} s idle`);
    printFigure('daemon peak RSS (VmHWM)', await readRss(daemon.pid, 'VmHWM'), 'MB');
    printFigure(`runs for ${EVENTS} events (coalesced, with the final full run)`, daemon.runsSince(), 'runs');
    printFigure('daemon exit status on SIGTERM', await stopDaemon(daemon), '');
    daemon = null;
  } finally {
    if (daemon !== null) await stopDaemon(daemon);
    await world.cleanup();
  }
}

function startDaemon(args, world, nodeOptions) {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions, VFKEEPER_LOG: 'stderr', VFKEEPER_STATE_DIR: world.path('state') };
  const child = spawn(process.execPath, [...NODE_FLAGS, CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let runs = 0;
  let mark = 0;
  child.stderr.on('data', (d) => {
    stderr += d;
    runs += (String(d).match(/Reconcile run \w+ finished/g) ?? []).length;
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  return {
    pid: child.pid,
    child,
    exited,
    stderr: () => stderr,
    /** Runs finished since the last call. */
    runsSince() {
      const n = runs - mark;
      mark = runs;
      return n;
    },
  };
}

async function waitConverged(socket, daemon) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const exit = await Promise.race([daemon.exited, sleep(50).then(() => undefined)]);
    if (exit !== undefined) throw new Error(`the daemon exited (${exit}): ${daemon.stderr().slice(-2000)}`);
    const outcome = await requestControl(socket, { request: 'status' }, 5000).catch(() => null);
    if (outcome?.kind !== 'reply' || !outcome.reply.ok || !daemon.stderr().includes('vfkeeper daemon ready')) continue;
    const vfs = outcome.reply.result.pfs[0]?.vfs ?? [];
    if (vfs.length === 56 && vfs.every((v) => v.relay.state === 'attached')) return daemon.runsSince();
  }
  throw new Error(`the daemon did not converge within 60 s: ${daemon.stderr().slice(-2000)}`);
}

async function sendEvents(socket) {
  for (let i = 0; i < EVENTS; i++) {
    const outcome = await requestControl(socket, { request: 'hook', netdev: 'enp2s0np0', action: 'up', source: 'networkmanager' });
    if (outcome.kind !== 'reply' || !outcome.reply.ok || outcome.reply.result.accepted !== true)
      throw new Error(`hook ${i} was not accepted: ${JSON.stringify(outcome)}`);
  }
  // A full run queues behind the PF lane's runs: when it answers, the events have been handled.
  const drained = await requestControl(socket, { request: 'reconcile', dryRun: false, force: false }, 60_000);
  if (drained.kind !== 'reply' || !drained.reply.ok || drained.reply.result.converged !== true)
    throw new Error(`the full run after the events did not converge: ${JSON.stringify(drained)}`);
}

/** VmRSS is the target; RssFile is mostly the node binary's own pages (34 MB for `node -e 0`), shared and reclaimable. */
async function printRss(pid, when) {
  printFigure(`daemon RSS ${when}`, await readRss(pid, 'VmRSS'), 'MB', { op: '<=', value: 60 });
  const [anon, file] = [await readRss(pid, 'RssAnon'), await readRss(pid, 'RssFile')];
  console.log(`   of which anonymous ${anon.toFixed(1)} MB, file-backed ${file.toFixed(1)} MB`);
}

async function readRss(pid, field) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return kb / 1024;
}

async function stopDaemon(daemon) {
  daemon.child.kill('SIGTERM');
  const exit = await Promise.race([daemon.exited, sleep(10_000).then(() => 'timeout')]);
  if (exit !== 'timeout') return exit;
  daemon.child.kill('SIGKILL');
  await daemon.exited;
  return 'killed after 10 s';
}

await main();
