// A bench series: one uncounted warm-up, then `reps` counted runs, each
// from the same state (SR-IOV off on the PF, its port removed) to every VF
// on vfio-pci and udev settled. The shell floor and the peers run a script
// (bench/shell-floor.ts); vfkeeper's daemon does the work itself.
import { runVfkeeper, waitForDaemonQuiet } from '../daemon/context.js';
import { expectEqual } from '../lib/pci-expect.js';
import type { Recorder } from '../lib/recorder.js';
import { runDaemonFloor, type DaemonRun } from './daemon-floor.js';
import { POLL_MS, applyPortRemoval, applyRescan, applySriovOff, waitForAllOnVfio, type BoundSeen } from './hotplug.js';
import { runShellFloor, type FloorRun } from './shell-floor.js';

const RUN_MS = 120_000;

/** A count from the kernel command line (`--param reps=N`: VFKEEPER_E2E_REPS), or `fallback`. */
export function readCount(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value >= 1 ? value : fallback;
}

/** A floor (or peer) run, and what the poller vfkeeper's runs are timed by saw meanwhile. */
export type FloorSample = FloorRun & { polled: BoundSeen };

export interface Series<T> {
  warmup: T;
  runs: T[];
}

export interface BenchContext {
  rec: Recorder;
  /** The PF's address, and what is removed: its port's, or its own (bench-floor's `--param remove=pf`). */
  pf: string;
  port: string;
  /** Its VF count: all it offers. */
  vfs: number;
}

/**
 * One uncounted warm-up, then `reps` counted runs; each starts from the
 * same state: SR-IOV off and the port removed by `prepare`, then `run`.
 */
export async function runSeries<T>(
  rec: Recorder,
  label: string,
  reps: number,
  prepare: () => Promise<void>,
  run: () => Promise<T>,
): Promise<Series<T>> {
  const results: T[] = [];
  for (let i = 0; i <= reps; i++) {
    const name = i === 0 ? 'warm-up' : `${i}/${reps}`;
    await rec.step(`${label} ${name}`, async () => {
      await prepare();
      results.push(await run());
    });
  }
  const [warmup, ...runs] = results;
  if (warmup === undefined) throw new Error('no run');
  return { warmup, runs };
}

/** The floor script (shell-floor.ts's floorScript) or a peer's (`script`, its $3 `arg`), after each rescan. */
export function runFloorSeries(ctx: BenchContext, label: string, reps: number, script: string, arg = ''): Promise<Series<FloorSample>> {
  const prepare = async () => {
    await applySriovOff(ctx.pf);
    await applyPortRemoval(ctx.port, ctx.pf);
  };
  // The same poller as vfkeeper's runs, so both carry its (small) cost.
  const run = async (): Promise<FloorSample> => {
    const t0 = await applyRescan();
    const [floor, polled] = await Promise.all([
      runShellFloor(ctx.pf, ctx.vfs, t0, RUN_MS, script, arg),
      waitForAllOnVfio(ctx.pf, ctx.vfs, t0, POLL_MS),
    ]);
    return { ...floor, polled };
  };
  return runSeries(ctx.rec, `${label}: SR-IOV off, ${removed(ctx)} removed, rescan, ${ctx.vfs} VFs bound, settled:`, reps, prepare, run);
}

const removed = (ctx: BenchContext): string => (ctx.port === ctx.pf ? 'PF' : 'port');

export async function runVfkeeperChecked(args: readonly string[]): Promise<void> {
  const out = await runVfkeeper(args);
  expectEqual(`vfkeeper ${args.join(' ')} exit status (${out.stderr.trim()})`, out.status, 0);
}

/**
 * Pauses the daemon while `undo` turns SR-IOV off and removes ports (else it
 * would put the VFs back), resumes it and waits until it is quiet.
 */
export async function runPaused(undo: () => Promise<void>): Promise<void> {
  await runVfkeeperChecked(['pause', '--reason', 'bench: SR-IOV off before the port is removed']);
  await undo();
  await runVfkeeperChecked(['resume']);
  await waitForDaemonQuiet(60_000);
}

export function runDaemonSeries(ctx: BenchContext, reps: number): Promise<Series<DaemonRun>> {
  const prepare = () =>
    runPaused(async () => {
      await applySriovOff(ctx.pf);
      await applyPortRemoval(ctx.port, ctx.pf);
    });
  return runSeries(
    ctx.rec,
    `vfkeeper: SR-IOV off, ${removed(ctx)} removed, rescan, the daemon binds ${ctx.vfs} VFs, udev settled:`,
    reps,
    prepare,
    () => runDaemonFloor(ctx.pf, ctx.vfs),
  );
}
