// Reads entries back with `journalctl -o json`. journald stores what it gets
// asynchronously (the sender only queued a datagram), so the read is retried
// until the expected number of entries is there, up to a deadline.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Journald } from './journald.js';
import { waitFor } from './wait-for.js';

const run = promisify(execFile);

/** One entry as journalctl's JSON: text fields as strings, binary ones as byte arrays. */
export type JournalRecord = Record<string, unknown>;

/** journalctl's JSON lines, parsed; each must be an object. */
export function parseJournalJson(text: string): JournalRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a journal entry: ${line}`);
      return value as JournalRecord;
    });
}

/** All entries matching every `FIELD=value` in `matches`. */
export async function queryJournal(journald: Journald, matches: readonly string[]): Promise<JournalRecord[]> {
  const args = [...journald.journalArgs, '--no-pager', '--quiet', '--all', '--output=json', ...matches];
  const { stdout } = await run('journalctl', args, { maxBuffer: 64 * 1024 * 1024 });
  return parseJournalJson(stdout);
}

/** Waits until at least `count` entries match, then returns them all. */
export function readJournal(journald: Journald, matches: readonly string[], count: number, deadlineMs = 10_000): Promise<JournalRecord[]> {
  let last: JournalRecord[] = [];
  const what = (): string => `${count} journal entries matching ${matches.join(' ')} (saw ${last.length})`;
  return waitFor(
    async () => {
      last = await queryJournal(journald, matches);
      return last.length >= count ? last : false;
    },
    what,
    deadlineMs,
    50,
  );
}
