// The two-PF boot (run-vm.sh --pf both): vfkeeper's daemon with the NVMe PF
// and the igb PF in one configuration. Both ports removed and one rescan
// (both PFs appear at once) to every VF of both on vfio-pci and udev
// settled; against each PF alone (its port removed, the same rescan) in the
// same guest. The runs alternate (both, NVMe, igb, both, ...) so drift in
// the guest's load hits each alike. What it shows: the daemon works on each
// PF in a lane of its own, so the kernel's fixed sleeps (the PF's probe, the
// VF enable) overlap: the two-PF time should be near the slowest PF's, not
// the sum.
import { readDaemonEntries, waitForDaemonQuiet } from '../daemon/context.js';
import { readJournalCursor } from '../lib/journal.js';
import type { Recorder } from '../lib/recorder.js';
import { readBreakdown, runDaemonFloor, type DaemonRun } from './daemon-floor.js';
import {
  POLL_MS,
  applyPortRemoval,
  applyRescan,
  applySettle,
  applySriovOff,
  readMsSince,
  waitForAllOnVfio,
  type BoundSeen,
} from './hotplug.js';
import { runPaused, type Series } from './series.js';

export interface PfUnderTest {
  kind: string;
  pci: string;
  port: string;
  vfs: number;
}

export interface BothRun {
  /** Rescan to every VF of both PFs on vfio-pci (polled) and `udevadm settle` returned. */
  totalMs: number;
  /** Per PF (in the order given): when its PF bound and its VFs were all on vfio-pci. */
  perPf: BoundSeen[];
  settleMs: number;
  /** The daemon's runs that started after the rescan, and their summed DURATION_USEC in ms. */
  runs: number;
  runsMs: number;
}

function removeAll(pfs: readonly PfUnderTest[]): Promise<void> {
  return runPaused(async () => {
    for (const pf of pfs) await applySriovOff(pf.pci);
    for (const pf of pfs) await applyPortRemoval(pf.port, pf.pci);
  });
}

/** One rescan brings every PF of `pfs` back: to all their VFs on vfio-pci and udev settled. */
export async function runBothFloor(pfs: readonly PfUnderTest[]): Promise<BothRun> {
  const cursor = await readJournalCursor();
  const t0 = await applyRescan();
  const perPf = await Promise.all(pfs.map((pf) => waitForAllOnVfio(pf.pci, pf.vfs, t0, POLL_MS)));
  const boundMs = Math.max(...perPf.map((s) => s.vfsBoundMs));
  await applySettle();
  const totalMs = readMsSince(t0);
  await waitForDaemonQuiet(60_000);
  const { runs, runsMs } = readBreakdown(await readDaemonEntries(cursor), t0);
  return { totalMs, perPf, settleMs: Math.round((totalMs - boundMs) * 10) / 10, runs, runsMs };
}

export interface TwoPfFigures {
  pfs: { kind: string; pci: string; vfs: number }[];
  both: Series<BothRun>;
  /** Keyed by the PF's kind. */
  alone: Record<string, Series<DaemonRun>>;
}

function split<T>(runs: readonly T[]): Series<T> {
  const [warmup, ...rest] = runs;
  if (warmup === undefined) throw new Error('no run');
  return { warmup, runs: rest };
}

/**
 * A warm-up round, then `reps` rounds of: both at once, then each PF alone.
 * The figures so far are recorded (fact twoPf, result.json) after each round.
 */
export async function runTwoPfBench(rec: Recorder, pfs: readonly PfUnderTest[], reps: number): Promise<TwoPfFigures> {
  const both: BothRun[] = [];
  const alone = new Map<string, DaemonRun[]>(pfs.map((pf) => [pf.kind, []]));
  const figures = (): TwoPfFigures => ({
    pfs: pfs.map(({ kind, pci, vfs }) => ({ kind, pci, vfs })),
    both: split(both),
    alone: Object.fromEntries([...alone].map(([kind, runs]) => [kind, split(runs)])),
  });
  for (let i = 0; i <= reps; i++) {
    const name = i === 0 ? 'warm-up' : `${i}/${reps}`;
    await rec.step(`both PFs: ports removed, one rescan, the daemon binds every VF, udev settled: ${name}`, async () => {
      await removeAll(pfs);
      both.push(await runBothFloor(pfs));
    });
    for (const pf of pfs) {
      await rec.step(`${pf.kind} PF alone: port removed, rescan, the daemon binds ${pf.vfs} VFs, udev settled: ${name}`, async () => {
        await removeAll([pf]);
        alone.get(pf.kind)?.push(await runDaemonFloor(pf.pci, pf.vfs));
      });
    }
    rec.fact('twoPf', figures());
    await rec.writeResult(false);
  }
  return figures();
}
