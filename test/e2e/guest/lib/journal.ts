// The guest's journal as `journalctl -o json` shows it: a cursor marks
// "from now on", and entries after it come back as flat string records
// (journalctl gives binary or repeated fields as arrays: kept as JSON text).
import { VfkeeperError } from '../../../../src/model/errors.js';
import { runChecked } from './exec.js';
import { waitFor } from './wait.js';

export type JournalEntry = Readonly<Record<string, string>>;

const JOURNALCTL_MS = 20_000;

export function parseJournalLines(text: string): JournalEntry[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new VfkeeperError('ERR_E2E_JOURNAL', `not a journal entry: ${line.slice(0, 200)}`);
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    });
}

/** The cursor of the newest entry: entries read "after" it are the ones still to come. */
export async function readJournalCursor(): Promise<string> {
  const { stdout } = await runChecked(['journalctl', '-o', 'json', '-n', '1', '--no-pager'], { timeoutMs: JOURNALCTL_MS });
  const cursor = parseJournalLines(stdout)[0]?.__CURSOR;
  if (cursor === undefined) throw new VfkeeperError('ERR_E2E_JOURNAL', 'the journal is empty: no cursor to start from');
  return cursor;
}

/**
 * Entries after `cursor` matching every FIELD=value in `matches`, oldest
 * first. The matching is done here: journalctl 252 given both
 * --after-cursor and matches skips the first matching entry.
 */
export async function readJournalAfter(cursor: string, matches: readonly string[]): Promise<JournalEntry[]> {
  const { stdout } = await runChecked(['journalctl', '-o', 'json', '--no-pager', `--after-cursor=${cursor}`], { timeoutMs: JOURNALCTL_MS });
  const wanted = matches.map((m) => [m.slice(0, m.indexOf('=')), m.slice(m.indexOf('=') + 1)] as const);
  return parseJournalLines(stdout).filter((e) => wanted.every(([field, value]) => e[field] === value));
}

/** What `journalctl -u UNIT` shows after `cursor`: the unit's own entries and those root's processes logged about it. */
export async function readUnitJournalAfter(cursor: string, unit: string): Promise<JournalEntry[]> {
  const args = ['journalctl', '-u', unit, '-o', 'json', '--no-pager', `--after-cursor=${cursor}`];
  const { stdout } = await runChecked(args, { timeoutMs: JOURNALCTL_MS });
  return parseJournalLines(stdout);
}

/** Waits until the entries after `cursor` satisfy `done`, and returns them all; a timeout shows the last ones seen. */
export async function waitForJournal(
  cursor: string,
  matches: readonly string[],
  done: (entries: JournalEntry[]) => boolean,
  what: string,
  timeoutMs: number,
): Promise<JournalEntry[]> {
  let seen: JournalEntry[] = [];
  try {
    return await waitFor(
      async () => {
        seen = await readJournalAfter(cursor, matches);
        return done(seen) ? seen : undefined;
      },
      { what: `journal: ${what}`, timeoutMs, intervalMs: 500 },
    );
  } catch (e) {
    const last = seen.slice(-4).map((x) => JSON.stringify(pickJournalFields(x)));
    throw new VfkeeperError(
      'ERR_E2E_JOURNAL',
      `${e instanceof Error ? e.message : String(e)}; ${seen.length} entries after the cursor, the last: ${last.join(' ')}`,
      { cause: e },
    );
  }
}

/** The fields worth keeping in a result file: vfkeeper's own and a few of journald's. */
export function pickJournalFields(entry: JournalEntry): Record<string, string> {
  const keep =
    /^(MESSAGE|MESSAGE_ID|PRIORITY|VFKEEPER_[A-Z_]+|PCI_SLOT|VF_PCI_SLOT|VIRTIO_ID|SOCKET_PATH|NETDEV|ERRNO|DURATION_USEC|UNIT|JOB_TYPE|_PID|_COMM|_SYSTEMD_UNIT|_CAP_EFFECTIVE|__MONOTONIC_TIMESTAMP)$/;
  return Object.fromEntries(Object.entries(entry).filter(([k]) => keep.test(k)));
}
