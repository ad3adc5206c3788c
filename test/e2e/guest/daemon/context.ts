// What every part of the daemon scenario shares: the recorder, the udev
// monitor, a forwarder client of its own (to watch relays without asking
// vfkeeper), and small readers of the daemon's journal, sockets and CLI.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Forwarder } from '../../../../src/dataplane/types.js';
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { runChecked, runCommand } from '../lib/exec.js';
import { parseJournalLines, pickJournalFields, readJournalAfter, waitForJournal, type JournalEntry } from '../lib/journal.js';
import type { Recorder } from '../lib/recorder.js';
import type { ScenarioEnv } from '../lib/scenario-env.js';
import { readUnitProperties } from '../lib/systemctl.js';
import type { UdevMonitor } from '../lib/udev-monitor.js';
import { waitFor } from '../lib/wait.js';
import { SOCKET_DIR, SOCKET_OWNER } from '../lib/vfkeeper-install.js';
import type { CommandOutput, SocketOwners, UdevSeen } from './facts.js';

export const PF = '0000:01:00.0';
export const UNIT = 'vfkeeper.service';
/** journalctl matches for what the daemon itself logged. */
export const DAEMON_ENTRIES = [`_SYSTEMD_UNIT=${UNIT}`];

export interface DaemonContext {
  env: ScenarioEnv;
  rec: Recorder;
  udev: UdevMonitor;
  forwarder: Forwarder;
  /** The VFs the PF offers (sriov_totalvfs); the configuration starts with vfs: max. */
  count: number;
}

export const hasMessage = (entries: readonly JournalEntry[], key: string): boolean =>
  entries.some((e) => e.MESSAGE_ID === messageIdFor(key));

/** The daemon's entries after `cursor`, trimmed to the fields worth keeping. */
export async function readDaemonEntries(cursor: string): Promise<Record<string, string>[]> {
  return (await readJournalAfter(cursor, DAEMON_ENTRIES)).map(pickJournalFields);
}

/** Waits until the daemon's entries after `cursor` satisfy `done`; returns them trimmed. */
export async function waitForDaemonEntries(
  cursor: string,
  done: (e: JournalEntry[]) => boolean,
  what: string,
  timeoutMs: number,
): Promise<Record<string, string>[]> {
  return (await waitForJournal(cursor, DAEMON_ENTRIES, done, what, timeoutMs)).map(pickJournalFields);
}

/** How long the daemon must have logged nothing before it counts as quiet. */
const QUIET_MS = 1500;

/** Whether the newest daemon entries (of its current process) close every run they open, and are older than QUIET_MS. */
function isQuiet(entries: readonly JournalEntry[], pid: string, nowUsec: number): boolean {
  const own = entries.filter((e) => e._PID === pid);
  const ended = new Set(own.filter((e) => e.MESSAGE_ID === messageIdFor('run.end')).map((e) => e.VFKEEPER_RUN));
  const open = own.filter((e) => e.MESSAGE_ID === messageIdFor('run.start') && !ended.has(e.VFKEEPER_RUN));
  const newest = Number(own.at(-1)?.__REALTIME_TIMESTAMP ?? '0');
  return open.length === 0 && nowUsec - newest >= QUIET_MS * 1000;
}

/**
 * Waits until no daemon run is under way and none has started for a moment,
 * so a scenario's journal cursor does not fall in the middle of a run that
 * the previous scenario woke (that run would then carry this scenario's
 * steps under a start entry before the cursor). No daemon running is quiet.
 */
export async function waitForDaemonQuiet(timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const pid = (await readUnitProperties(UNIT, ['MainPID'])).MainPID ?? '0';
      if (pid === '0') return true;
      const { stdout } = await runChecked(['journalctl', '-o', 'json', '-n', '400', '--no-pager', `_SYSTEMD_UNIT=${UNIT}`], {
        timeoutMs: 20_000,
      });
      return isQuiet(parseJournalLines(stdout), pid, Date.now() * 1000) ? true : undefined;
    },
    { what: 'the daemon quiet: every run ended, nothing logged for 1.5 s', timeoutMs, intervalMs: 500 },
  );
}

/** The installed CLI; each start costs seconds under TCG, so scenarios call it sparingly. */
export async function runVfkeeper(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CommandOutput> {
  const r = await runCommand(['vfkeeper', ...args], { timeoutMs: 180_000, ...(env ? { env } : {}) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function readId(argv: readonly string[], field: number): Promise<number> {
  const { stdout } = await runChecked(argv, { timeoutMs: 10_000 });
  return Number(stdout.trim().split(':')[field] ?? 'NaN');
}

/** Who owns the socket directory and each socket in it, against the configured owner. */
export async function readSocketOwners(): Promise<SocketOwners> {
  const want = { uid: await readId(['id', '-u', SOCKET_OWNER.user], 0), gid: await readId(['getent', 'group', SOCKET_OWNER.group], 2) };
  const paths = [SOCKET_DIR, ...(await readdir(SOCKET_DIR)).map((n) => join(SOCKET_DIR, n))];
  const wrong: string[] = [];
  for (const path of paths) {
    const st = await lstat(path);
    if (st.uid !== want.uid || st.gid !== want.gid) wrong.push(`${path} ${st.uid}:${st.gid}`);
  }
  return { want, checked: paths.length, wrong };
}

/** PCI records the udev monitor saw since index `mark`, for the given devices. */
export function readUdevSince(udev: UdevMonitor, mark: number, pcis: readonly string[]): UdevSeen {
  return udev.records.slice(mark).flatMap((r) => {
    const pci = r.properties.PCI_SLOT_NAME ?? '';
    return pcis.includes(pci) ? [{ action: r.action, pci, driver: r.properties.DRIVER ?? '' }] : [];
  });
}
