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
// At rest (after the idle wait) it reads PSS from /proc/PID/smaps_rollup
// (file-backed pages shared with other node processes count by share) and
// counts the daemon's wake-ups over WAKE_WINDOW: the sum over its threads
// of the run count in /proc/PID/task/TID/schedstat (each time a thread was
// put on a CPU), per thread name, and by 10 s slices of the window. --quick: 20 events, no idle wait, a 2 s window.
// The daemon runs on a private copy of node (as installed: make install puts
// one beside vfkeeper), so node's file-backed pages are not shared with this
// process and count in its PSS whole; VFK_BENCH_SHARED_NODE=1 (and --quick)
// run it on this node instead. VFK_BENCH_STRACE=FILE: after the window,
// `strace -f -tt -p PID -o FILE` for 30 s more (what each wake-up is; a
// traced process wakes more, so not during the count).
// The daemon runs without NODE_EXTRA_CA_CERTS, as under systemd
// (lib/setup.mjs, benchEnv; VFK_BENCH_KEEP_ENV=1 keeps it).
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { chmod, copyFile, readFile, readdir, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { URL, fileURLToPath } from 'node:url';
import { requestControl } from '../dist/control/client.js';
import { createSimState } from '../dist/host/sim/state.js';
import { QUICK, benchEnv, makeWorld, msSince, positional, printEnvNote, printFigure, printHeader } from './lib/setup.mjs';

const EVENTS = positional(0, 1000, 20);
/** More node flags for the daemon process, to compare (e.g. "--max-semi-space-size=1"). */
const NODE_FLAGS = (process.env.VFK_BENCH_DAEMON_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '');
const CLI = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));
const UNIT = fileURLToPath(new URL('../units/vfkeeper.service', import.meta.url));
const IDLE_MS = QUICK ? 0 : 15_000;
const WAKE_WINDOW_MS = QUICK ? 2_000 : 60_000;
const WAKE_SLICE_MS = QUICK ? 1_000 : 10_000;

async function main() {
  const unitEnv = unitEnvironment(await readFile(UNIT, 'utf8'));
  printHeader(
    `daemon RSS: 1 PF x 56 VFs, 56 relays, ${EVENTS} hook events; the unit's ${Object.entries(unitEnv)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}${NODE_FLAGS.length > 0 ? `, node ${NODE_FLAGS.join(' ')}` : ''}`,
  );
  printEnvNote();
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
    const node = QUICK || process.env.VFK_BENCH_SHARED_NODE === '1' ? process.execPath : world.path('node');
    if (node !== process.execPath) await copyFile(process.execPath, node, constants.COPYFILE_FICLONE).then(() => chmod(node, 0o755));
    console.log(
      `   daemon on ${node === process.execPath ? "the bench's own node (file pages shared)" : 'a private copy of node, as installed'}`,
    );
    daemon = startDaemon(
      node,
      ['daemon', '--simulate', hostFile, '--config', world.configPath, '--control-socket', socket],
      world,
      unitEnv,
    );
    await waitConverged(socket, daemon);
    printFigure('daemon start to converged and answering', msSince(t0), 'ms');
    await printRss(daemon.pid, 'after convergence');
    await sendEvents(socket);
    await printRss(daemon.pid, `after ${EVENTS} events`);
    await sleep(IDLE_MS);
    await printRss(daemon.pid, `after ${IDLE_MS / 1000} s idle`);
    printFigure(`daemon PSS after ${IDLE_MS / 1000} s idle (smaps_rollup)`, await readPss(daemon.pid), 'MB', { op: '<=', value: 60 });
    await printWakeUps(daemon.pid);
    if (process.env.VFK_BENCH_STRACE) await traceAtRest(daemon.pid, process.env.VFK_BENCH_STRACE);
    printFigure('daemon peak RSS (VmHWM)', await readRss(daemon.pid, 'VmHWM'), 'MB');
    printFigure(`runs for ${EVENTS} events (coalesced, with the final full run)`, daemon.runsSince(), 'runs');
    printFigure('daemon exit status on SIGTERM', await stopDaemon(daemon), '');
    daemon = null;
  } finally {
    if (daemon !== null) await stopDaemon(daemon);
    await world.cleanup();
  }
}

/**
 * The environment units/vfkeeper.service gives the daemon (NODE_OPTIONS,
 * UV_THREADPOOL_SIZE), less the permission to write the real /sys: the
 * bench's daemon runs on the simulated host.
 */
function unitEnvironment(unit) {
  const env = {};
  for (const [, line] of unit.matchAll(/^Environment=(.*)$/gm)) {
    const m = /^"?([A-Z_][A-Z0-9_]*)=([^"]*)"?$/.exec(line);
    if (m && m[1] !== 'VFKEEPER_ALLOW_REAL_SYSFS') env[m[1]] = m[2];
  }
  return env;
}

function startDaemon(node, args, world, unitEnv) {
  const env = benchEnv({ ...unitEnv, VFKEEPER_LOG: 'stderr', VFKEEPER_STATE_DIR: world.path('state') });
  const child = spawn(node, [...NODE_FLAGS, CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
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

/** Pss, and its anonymous and file-backed parts, from /proc/PID/smaps_rollup (kB -> MB). */
async function readPss(pid) {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1]) / 1024;
  console.log(`   PSS of which anonymous ${field('Pss_Anon').toFixed(1)} MB, file-backed ${field('Pss_File').toFixed(1)} MB`);
  return field('Pss');
}

/** Times each thread was put on a CPU (schedstat's third field), by thread: the wake-ups. */
async function readRunCounts(pid) {
  const counts = new Map();
  for (const tid of await readdir(`/proc/${pid}/task`)) {
    const [stat, comm] = await Promise.all([
      readFile(`/proc/${pid}/task/${tid}/schedstat`, 'utf8'),
      readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8'),
    ]).catch(() => ['0 0 0', '?']);
    counts.set(`${comm.trim()}[${tid}]`, Number(stat.trim().split(' ')[2]));
  }
  return counts;
}

/** Over the window, and by slices of it: whether what wakes is the tail of the last activity (V8's memory reducer) or goes on. */
async function printWakeUps(pid) {
  const before = await readRunCounts(pid);
  const slices = [];
  let last = before;
  for (let elapsed = 0; elapsed < WAKE_WINDOW_MS; elapsed += WAKE_SLICE_MS) {
    await sleep(Math.min(WAKE_SLICE_MS, WAKE_WINDOW_MS - elapsed));
    const now = await readRunCounts(pid);
    slices.push(sumSince(now, last));
    last = now;
  }
  const woke = [...last].map(([name, n]) => [name, n - (before.get(name) ?? 0)]).filter(([, n]) => n > 0);
  const total = woke.reduce((a, [, n]) => a + n, 0);
  printFigure(`daemon wake-ups at rest over ${WAKE_WINDOW_MS / 1000} s (schedstat run counts, all threads)`, total, '');
  console.log(`   by thread: ${woke.map(([name, n]) => `${name} ${n}`).join(', ') || 'none'}`);
  console.log(`   by ${WAKE_SLICE_MS / 1000} s slice: ${slices.join(', ')}`);
}

function sumSince(now, then) {
  let sum = 0;
  for (const [name, n] of now) sum += n - (then.get(name) ?? 0);
  return sum;
}

async function traceAtRest(pid, out) {
  const strace = spawn('strace', ['-f', '-tt', '-p', String(pid), '-o', out], { stdio: 'ignore' });
  await sleep(30_000);
  strace.kill('SIGINT');
  await new Promise((resolve) => strace.on('exit', resolve));
  console.log(`   strace -f -tt of 30 s at rest: ${out}`);
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
