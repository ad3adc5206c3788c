// The floor bench (design.md, "Performance"): on the guest's real kernel,
// figures only, nothing asserted but that each run reached its end state.
//  1. shell floor: vfkeeper stopped, its udev rules removed; SR-IOV off on
//     the PF and its port removed (a fresh card's state: bench/hotplug.ts),
//     then rescanned; a minimal `sh` script binds every VF to
//     vfio-pci and settles udev (bench/shell-floor.ts).
//  2. vfkeeper: the installed daemon running (relays off: the floor does
//     none; paused while SR-IOV goes off), its rules in place; the same
//     removal and rescan, to every VF on vfio-pci and udev settled
//     (bench/daemon-floor.ts).
//  3. the shell floor again with the rules in place and vfkeeper masked:
//     what the rules alone cost on that path.
//  4. the rules' udev cost: trigger + settle on the PF and its VFs with and
//     without them (bench/rules-settle.ts), vfkeeper stopped and masked.
// Each of 1-3: one warm-up run kept apart, then `--param reps=N` (default
// 5); `--param settle_reps=N` samples per block of 4 (3 blocks each way,
// default 5).
import { release } from 'node:os';
import { PF, UNIT, runVfkeeper, waitForDaemonQuiet } from '../daemon/context.js';
import { readUpstreamPort } from '../daemon/s2-hotplug.js';
import { runDaemonFloor, type DaemonRun } from '../bench/daemon-floor.js';
import { POLL_MS, applyPortRemoval, applyRescan, applySriovOff, waitForAllOnVfio, type BoundSeen } from '../bench/hotplug.js';
import { measureRulesSettle, readRulesFiles } from '../bench/rules-settle.js';
import { runShellFloor, type FloorRun } from '../bench/shell-floor.js';
import { runChecked } from '../lib/exec.js';
import { createRecorder, type Recorder } from '../lib/recorder.js';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.js';
import { expectEqual, waitForBound } from '../lib/pci-expect.js';
import { assertInE2eGuest, readVirtfns } from '../lib/sysfs.js';
import { runSystemctl } from '../lib/systemctl.js';
import { installUdevRules, installVfkeeper, writeConfig } from '../lib/vfkeeper-install.js';

const RUN_MS = 120_000;

function readCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value >= 1 ? value : fallback;
}

async function setUp(env: ScenarioEnv, rec: Recorder): Promise<string> {
  await rec.step('running in the end-to-end guest', assertInE2eGuest);
  await rec.step('make install PREFIX=/usr from the staged build', async () => void (await installVfkeeper(env.projectDir)));
  await rec.step('configuration for the NVMe PF, vfs: max, forwarder.enabled: false', () => writeConfig('max', false));
  await rec.step('vfkeeper udev-rules > /etc/udev/rules.d/70-vfkeeper.rules', async () => rec.fact('udevRules', await installUdevRules()));
  // Loaded once for all: vfkeeper would load it on its first run, the floor script does not.
  await rec.step('modprobe vfio-pci', async () => void (await runChecked(['modprobe', 'vfio-pci'], { timeoutMs: 60_000 })));
  return rec.step(`the PCI port above ${PF}`, () => readUpstreamPort(PF));
}

/** A floor run, and what the poller vfkeeper's runs are timed by saw meanwhile. */
type FloorSample = FloorRun & { polled: BoundSeen };

interface BenchContext {
  env: ScenarioEnv;
  rec: Recorder;
  port: string;
}

/**
 * One uncounted warm-up, then `reps` counted runs; each starts from the
 * same state: SR-IOV off and the port removed by `prepare`, then `run`.
 */
async function runSeries<T>(
  ctx: BenchContext,
  label: string,
  reps: number,
  prepare: () => Promise<void>,
  run: () => Promise<T>,
): Promise<{ warmup: T; runs: T[] }> {
  const results: T[] = [];
  for (let i = 0; i <= reps; i++) {
    const name = i === 0 ? 'warm-up' : `${i}/${reps}`;
    await ctx.rec.step(`${label} ${name}`, async () => {
      await prepare();
      results.push(await run());
    });
  }
  const [warmup, ...runs] = results;
  if (warmup === undefined) throw new Error('no run');
  return { warmup, runs };
}

function runFloorSeries(ctx: BenchContext, label: string, reps: number): Promise<{ warmup: FloorSample; runs: FloorSample[] }> {
  const prepare = async () => {
    await applySriovOff(PF);
    await applyPortRemoval(ctx.port, PF);
  };
  // The same poller as vfkeeper's runs, so both carry its (small) cost.
  const run = async (): Promise<FloorSample> => {
    const t0 = await applyRescan();
    const [floor, polled] = await Promise.all([runShellFloor(PF, ctx.env.vfs, t0, RUN_MS), waitForAllOnVfio(PF, ctx.env.vfs, t0, POLL_MS)]);
    return { ...floor, polled };
  };
  return runSeries(ctx, `${label}: SR-IOV off, port removed, rescan, sh binds ${ctx.env.vfs} VFs and settles:`, reps, prepare, run);
}

async function runVfkeeperChecked(args: readonly string[]): Promise<void> {
  const out = await runVfkeeper(args);
  expectEqual(`vfkeeper ${args.join(' ')} exit status (${out.stderr.trim()})`, out.status, 0);
}

/** Paused while SR-IOV goes off (else it would put the VFs back), resumed before the rescan. */
function runDaemonSeries(ctx: BenchContext, reps: number): Promise<{ warmup: DaemonRun; runs: DaemonRun[] }> {
  const prepare = async () => {
    await runVfkeeperChecked(['pause', '--reason', 'floor bench: SR-IOV off before the port is removed']);
    await applySriovOff(PF);
    await applyPortRemoval(ctx.port, PF);
    await runVfkeeperChecked(['resume']);
    await waitForDaemonQuiet(60_000);
  };
  return runSeries(
    ctx,
    `vfkeeper: SR-IOV off, port removed, rescan, the daemon binds ${ctx.env.vfs} VFs, udev settled:`,
    reps,
    prepare,
    () => runDaemonFloor(PF, ctx.env.vfs),
  );
}

async function runBench(env: ScenarioEnv, rec: Recorder): Promise<void> {
  const ctx = { env, rec, port: await setUp(env, rec) };
  const reps = readCount('VFKEEPER_E2E_REPS', 5);
  const rules = await readRulesFiles();
  await rec.step('vfkeeper rules removed for the shell floor', () => rules.applyRulesAway());
  rec.fact('floor', await runFloorSeries(ctx, 'shell floor', reps));
  await rec.writeResult(false);
  await rec.step('rules back, systemctl start vfkeeper, the daemon quiet', async () => {
    await rules.applyRulesBack();
    await runSystemctl(['start', UNIT], 240_000);
    const vfs = await readVirtfns(PF);
    expectEqual(`VFs of ${PF} at READY=1`, vfs.length, env.vfs);
    await waitForBound(vfs, 'vfio-pci', 60_000);
    await waitForDaemonQuiet(60_000);
  });
  rec.fact('daemon', await runDaemonSeries(ctx, reps));
  await rec.writeResult(false);
  await rec.step('systemctl stop vfkeeper; mask --runtime (the rule would start it)', async () => {
    await runSystemctl(['stop', UNIT]);
    await runSystemctl(['mask', '--runtime', UNIT]);
  });
  rec.fact('floorWithRules', await runFloorSeries(ctx, 'shell floor, rules in place', reps));
  await rec.writeResult(false);
  const settleReps = readCount('VFKEEPER_E2E_SETTLE_REPS', 5);
  rec.fact(
    'rulesSettle',
    await rec.step(`udev trigger + settle, 3 x ${settleReps} each without and with the rules`, () => measureRulesSettle(PF, 3, settleReps)),
  );
  await rec.step('systemctl unmask --runtime vfkeeper', async () => void (await runSystemctl(['unmask', '--runtime', UNIT])));
}

async function main(): Promise<number> {
  const env = parseScenarioEnv(process.env);
  const rec = createRecorder({
    scenario: env.scenario,
    vfs: env.vfs,
    kernel: release(),
    resultsDir: env.resultsDir,
    print: (l) => console.log(l),
  });
  let passed = false;
  try {
    await runBench(env, rec);
    passed = true;
  } catch {
    // Recorded by the failing step.
  }
  return (await rec.writeResult(passed)).passed ? 0 : 1;
}

process.exitCode = await main();
