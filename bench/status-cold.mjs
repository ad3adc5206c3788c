// `vfkeeper status --json` from a cold start (design.md: <= 120 ms), as
// figures asserted nowhere:   node bench/status-cold.mjs [--quick] [RUNS]
// The built CLI (dist/bundle/main.js, what `vfkeeper` runs) as a whole
// process, against a converged simulated host (1 PF x 56 VFs, 56 relays
// attached) and an emulated forwarder served from this process, two ways:
// served by a running daemon (the installed case: vfkeeper.service answers
// on its control socket), and alone (no daemon: the CLI reads the host and
// the forwarder itself). Wall time from spawn to exit, median of RUNS;
// `node -e 0` is the floor and `vfkeeper --version` the CLI's own start.
// Each status figure is also given as a ratio to `node -e 0` timed in the
// same run (issue 16: at most 2x alone, 1.6x served), since the machine's
// load moves both alike. When hyperfine is installed it times the status
// commands too, and reports their CPU time (steadier than wall time on a
// shared machine); --quick skips it.
// Beside them, the libraries status loads, bundled alone and each doing the
// least status asks of it (lib/deps-floor.mjs): the floor under vfkeeper's
// own code.
// Every process timed runs without NODE_EXTRA_CA_CERTS, the floor too: it
// adds ~40 ms to each node start (lib/setup.mjs, benchEnv; VFK_BENCH_KEEP_ENV=1 keeps it).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { clearTimeout, setTimeout } from 'node:timers';
import { URL, fileURLToPath } from 'node:url';
import { reconcile } from '../dist/reconcile/run.js';
import { buildDepsFloor } from './lib/deps-floor.mjs';
import { createZmqForwarder } from '../dist/dataplane/zmq-forwarder.js';
import { createSimHost, saveSimState } from '../dist/host/sim/sim-host.js';
import { createSimState } from '../dist/host/sim/state.js';
import {
  QUICK,
  benchEnv,
  createSinkLogger,
  makeWorld,
  msSince,
  percentile,
  positional,
  printEnvNote,
  printFigure,
  printHeader,
} from './lib/setup.mjs';

const RUNS = positional(0, 30, 2);
const WARMUP = QUICK ? 1 : 3;
const CLI = fileURLToPath(new URL('../dist/bundle/main.js', import.meta.url));

async function main() {
  printHeader(`status --json from a cold start: 1 PF x 56 VFs, 56 relays; ${RUNS} runs`);
  const world = await makeWorld();
  let daemon = null;
  try {
    await world.emulator.start();
    const hostFile = await makeConvergedHost(world);
    const common = ['--simulate', hostFile, '--config', world.configPath];
    const env = benchEnv({ VFKEEPER_LOG: 'stderr', VFKEEPER_STATE_DIR: world.path('state') });
    printEnvNote();
    const alone = [CLI, 'status', '--json', ...common];
    const served = [CLI, 'status', '--json', ...common, '--control-socket', world.path('ctl.sock')];
    await checkOutput(alone, env);
    const floor = percentile(await timeRuns([process.execPath, '-e', '0'], env), 50);
    printFigure(`node -e 0 (the floor), median of ${RUNS}`, floor, 'ms');
    printFigure(
      `vfkeeper --version (the CLI's own start), median of ${RUNS}`,
      percentile(await timeRuns([process.execPath, CLI, '--version'], env), 50),
      'ms',
    );
    const floorCpu = QUICK ? null : await hyperfine('node -e 0', ['-e', '0'], env, world.path('hf-floor.json'));
    const deps = [await buildDepsFloor(world.dir), world.configPath, world.emulator.endpoints.stats];
    await measure('the libraries status loads, alone', deps, env, world.path('hf-deps.json'), { floor, floorCpu });
    await measure('status --json, no daemon', alone, env, world.path('hf-alone.json'), { floor, floorCpu, target: 2 });
    daemon = await startDaemon([CLI, 'daemon', ...common, '--control-socket', world.path('ctl.sock')], env);
    await checkOutput(served, env);
    await measure('status --json, served by the daemon', served, env, world.path('hf-served.json'), { floor, floorCpu, target: 1.6 });
  } finally {
    await daemon?.stop();
    await world.cleanup();
  }
}

/** `target` undefined: a figure to compare with, no target of its own. */
async function measure(label, args, env, hyperfineOut, { floor, floorCpu, target }) {
  const goal = (value) => (target === undefined ? undefined : { op: '<=', value });
  const times = await timeRuns([process.execPath, ...args], env);
  printFigure(`${label}, median of ${RUNS}`, percentile(times, 50), 'ms', goal(120));
  printFigure(`${label}, min`, times[0], 'ms');
  printFigure(`${label}, p90`, percentile(times, 90), 'ms');
  printFigure(`${label} / node -e 0 (medians, same run)`, percentile(times, 50) / floor, 'x', goal(target));
  if (QUICK) return;
  const cpu = await hyperfine(label, args, env, hyperfineOut);
  // CPU time is what a loaded machine distorts least: the ratio to the floor's own.
  if (cpu !== null && floorCpu !== null) printFigure(`${label} / node -e 0, CPU time (hyperfine means)`, cpu / floorCpu, 'x', goal(target));
}

/** The daemon as a child, ready once it says so; stop() sends SIGTERM (SIGKILL after 10 s). */
async function startDaemon(argv, env) {
  const child = spawn(process.execPath, argv, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => {
      stderr += d;
      if (stderr.includes('vfkeeper daemon ready')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`the daemon exited ${code}: ${stderr}`)));
  });
  return {
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.removeAllListeners('exit');
        child.on('exit', () => (clearTimeout(kill), resolve()));
        child.kill('SIGTERM');
      }),
  };
}

async function makeConvergedHost(world) {
  const config = await world.loadConfig();
  const forwarder = createZmqForwarder(config.forwarder);
  const hostFile = world.path('host.json');
  const host = createSimHost(createSimState({ pfs: 1, totalVfs: 56, numVfs: 0, firmware: 'sriov-2.1.14' }), { file: hostFile });
  const report = await reconcile({ host, forwarder, config, logger: createSinkLogger() }, { event: 'cli' });
  await forwarder.close();
  if (!report.converged) throw new Error('the simulated host did not converge');
  await saveSimState(hostFile, host.kernel.state);
  return hostFile;
}

async function checkOutput(args, env) {
  const r = await run([process.execPath, ...args], env, true);
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  const vfs = JSON.parse(r.stdout).pfs[0].vfs;
  const attached = vfs.filter((v) => v.relay.state === 'attached').length;
  if (r.status !== 0 || vfs.length !== 56 || attached !== 56)
    throw new Error(`status --json: exit ${r.status}, ${vfs.length} VFs, ${attached} relays attached`);
}

async function timeRuns(argv, env) {
  const times = [];
  for (let i = 0; i < RUNS + WARMUP; i++) {
    const t0 = process.hrtime.bigint();
    const r = await run(argv, env, false);
    if (i >= WARMUP) times.push(msSince(t0));
    if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}`);
  }
  return times.sort((a, b) => a - b);
}

/** Async spawn: the emulator answering the child lives on this event loop. */
function run(argv, env, capture) {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', capture ? 'pipe' : 'ignore', 'ignore'] });
    let stdout = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

/** -N: no shell; the command line is split on spaces (the temporary paths have none). */
async function hyperfine(label, args, env, out) {
  const command = [process.execPath, ...args].join(' ');
  const ok = await new Promise((resolve) => {
    const child = spawn('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', out, '--style', 'none', command], {
      env,
      stdio: 'ignore',
    });
    child.on('error', () => resolve(false));
    child.on('close', (status) => resolve(status === 0));
  });
  if (!ok) {
    console.log('   (hyperfine not installed or failed: skipped; apt-get install hyperfine)');
    return null;
  }
  const result = JSON.parse(await readFile(out, 'utf8')).results[0];
  printFigure(`${label}, hyperfine median of ${RUNS}`, result.median * 1000, 'ms');
  // CPU time moves far less than wall time when other work shares the cores.
  const cpu = (result.user + result.system) * 1000;
  printFigure(`${label}, CPU time (user + system, hyperfine mean)`, cpu, 'ms');
  return cpu;
}

await main();
