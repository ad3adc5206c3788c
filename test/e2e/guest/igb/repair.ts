// One disruption and its repair, as every igb scenario measures it: do
// something to the PF, wait until the whole chain is as configured again
// (same MACs), wait for vfkeeper to go quiet, and keep its journal entries
// of the window.
import { readJournalAfter, readJournalCursor, pickJournalFields } from '../lib/journal.js';
import { waitForDaemonQuiet } from '../daemon/context.js';
import { WAIT_MS, waitForIgbConverged, type IgbContext } from './context.js';
import type { RepairFacts } from './facts.js';

export interface RepairOptions {
  /** Journal matches for the entries kept (default: the daemon's unit). */
  matches?: readonly string[];
  timeoutMs?: number;
  /** Wait for the daemon to go quiet before reading the journal (default true). */
  quiet?: boolean;
}

/** vfkeeper's entries: the daemon's, and those of CLI runs a hook started (no unit). */
export const VFKEEPER_ENTRIES = ['SYSLOG_IDENTIFIER=vfkeeper'];

export async function disruptAndRepair(ctx: IgbContext, what: string, disrupt: () => Promise<void>, options: RepairOptions = {}): Promise<RepairFacts> {
  return ctx.rec.step(`${what}: repaired, the same MACs`, async () => {
    const cursor = await readJournalCursor();
    const since = performance.now();
    await disrupt();
    const { state, ms } = await waitForIgbConverged(ctx, since, options.timeoutMs ?? WAIT_MS);
    ctx.rec.timing(`${what} -> repaired`, ms);
    if (options.quiet ?? true) await waitForDaemonQuiet(60_000);
    const entries = (await readJournalAfter(cursor, options.matches ?? ['_SYSTEMD_UNIT=vfkeeper.service'])).map(pickJournalFields);
    return { what, state, ms, entries };
  });
}
