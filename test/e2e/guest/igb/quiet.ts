// The end of a burst: vfkeeper's runs after a disruption must stop by
// themselves (a hook woken by the PF reset that vfkeeper's own count write
// causes must not start another write, and so on).
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { readJournalAfter } from '../lib/journal.js';
import { waitFor } from '../lib/wait.js';

/**
 * Waits until no vfkeeper run has started for `quietMs`; returns how long
 * after the call the last run started (0: none). Fails after `timeoutMs`,
 * which a loop would reach.
 */
export async function waitForNoNewRuns(cursor: string, quietMs: number, timeoutMs: number): Promise<number> {
  const start = Date.now();
  return waitFor(
    async () => {
      const starts = (await readJournalAfter(cursor, ['SYSLOG_IDENTIFIER=vfkeeper'])).filter((e) => e.MESSAGE_ID === messageIdFor('run.start'));
      const last = Number(starts.at(-1)?.__REALTIME_TIMESTAMP ?? String(start * 1000)) / 1000;
      return Date.now() - last >= quietMs ? Math.max(0, Math.round(last - start)) : undefined;
    },
    { what: `no vfkeeper run started for ${quietMs} ms (a hook loop never gets there)`, timeoutMs, intervalMs: 1000 },
  );
}
