// vfkeeper against the floor: the installed daemon already running (its
// Node start-up is not in the figure), relays off, its udev rule in place;
// from the same rescan as the shell floor to every VF on vfio-pci and
// `udevadm settle` returned. The daemon's own journal entries break the
// time down: when its first run started after the rescan (udev's processing
// of the PF's add and bind, then the daemon's event path), when its last
// run ended, and how many runs it took.
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { readJournalCursor } from '../lib/journal.js';
import { readDaemonEntries, waitForDaemonQuiet } from '../daemon/context.js';
import { POLL_MS, applyRescan, applySettle, readMsSince, waitForAllOnVfio, type Instant } from './hotplug.js';

export interface DaemonRun {
  /** Rescan to every VF on vfio-pci (polled) and `udevadm settle` returned. */
  totalMs: number;
  /** Rescan to the first poll that saw the PF on its driver. */
  pfBoundMs: number | undefined;
  /** Rescan to the first poll that saw every VF on vfio-pci. */
  vfsBoundMs: number;
  /** `udevadm settle` after that. */
  settleMs: number;
  /** The daemon's journal, ms after the rescan (journald's receive time). */
  firstRunStartMs: number | undefined;
  numvfsStepMs: number | undefined;
  lastBindStepMs: number | undefined;
  lastRunEndMs: number | undefined;
  /** Runs that started after the rescan, and their summed DURATION_USEC in ms. */
  runs: number;
  runsMs: number;
  /** What woke each of those runs (VFKEEPER_CAUSE), in order. */
  causes: string[];
}

type Entry = Record<string, string>;

function offsetMs(entry: Entry | undefined, t0: Instant): number | undefined {
  const mono = entry?.__MONOTONIC_TIMESTAMP;
  return mono === undefined ? undefined : Math.round((Number(mono) - t0.monoUsec) / 100) / 10;
}

function isStep(e: Entry, step: string): boolean {
  return e.MESSAGE_ID === messageIdFor(`step.${step}.ok`);
}

/** The journal's part of a DaemonRun, from the daemon's entries after the rescan. */
export function readBreakdown(
  entries: readonly Entry[],
  t0: Instant,
): Pick<DaemonRun, 'firstRunStartMs' | 'numvfsStepMs' | 'lastBindStepMs' | 'lastRunEndMs' | 'runs' | 'runsMs' | 'causes'> {
  const after = entries.filter((e) => Number(e.__MONOTONIC_TIMESTAMP ?? '0') >= t0.monoUsec);
  const starts = after.filter((e) => e.MESSAGE_ID === messageIdFor('run.start'));
  const ends = after.filter((e) => e.MESSAGE_ID === messageIdFor('run.end'));
  return {
    firstRunStartMs: offsetMs(starts[0], t0),
    numvfsStepMs: offsetMs(
      after.find((e) => isStep(e, 'set-numvfs')),
      t0,
    ),
    lastBindStepMs: offsetMs(after.filter((e) => isStep(e, 'bind-driver')).at(-1), t0),
    lastRunEndMs: offsetMs(ends.at(-1), t0),
    runs: starts.length,
    runsMs: Math.round(ends.reduce((sum, e) => sum + Number(e.DURATION_USEC ?? '0'), 0) / 100) / 10,
    causes: starts.map((e) => e.VFKEEPER_CAUSE ?? e.VFKEEPER_EVENT ?? '?'),
  };
}

/**
 * One repetition, the PF gone and the daemon quiet before: rescan, wait,
 * settle; then (untimed) the daemon quiet again and its journal read.
 */
export async function runDaemonFloor(pf: string, count: number): Promise<DaemonRun> {
  const cursor = await readJournalCursor();
  const t0 = await applyRescan();
  const seen = await waitForAllOnVfio(pf, count, t0, POLL_MS);
  await applySettle();
  const totalMs = readMsSince(t0);
  await waitForDaemonQuiet(60_000);
  const breakdown = readBreakdown(await readDaemonEntries(cursor), t0);
  return { totalMs, ...seen, settleMs: Math.round((totalMs - seen.vfsBoundMs) * 10) / 10, ...breakdown };
}
