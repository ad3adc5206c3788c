// A real systemd-journald for the tests. When the machine has one listening
// (systemd as PID 1) the tests use it and never stop it. Otherwise (CI
// containers, this VM) the harness starts /lib/systemd/systemd-journald:
// it runs fine without systemd as PID 1 and creates its own sockets in
// /run/systemd/journal (the path libsystemd's sd_journal_send() always uses,
// so it cannot be moved). Its journal files go to a temporary directory
// mounted over /run/log in a private mount namespace, so the machine's /run/log
// stays untouched, and journalctl reads them with -D.
//
// Invariants: only a journald this harness started is ever signalled or
// stopped; /run/systemd/journal is removed at the end only if it did not
// exist before; the journald dies with the test process (parent-death signal).
//
// One journald per machine: keep the tests that need it in one file (files
// run in parallel; a second file would see the first one's daemon as "the
// machine's" and could lose it when the first file stops it).
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOURNAL_SOCKET, observeJournalSocket } from '../../src/journal/observe-journal-socket.js';
import { spawnWithPrivateMount } from './private-mount.js';
import { waitFor } from './wait-for.js';

const JOURNALD = '/lib/systemd/systemd-journald';
const JOURNAL_RUN_DIR = '/run/systemd/journal';

export interface Journald {
  /** True when the harness started this journald (and so may stop or pause it). */
  owned: boolean;
  /** journalctl arguments that select this journald's files. */
  journalArgs: string[];
  /** Owned only: SIGTERM the daemon (it leaves its socket file behind, stale). */
  stopDaemon(): Promise<void>;
  /** Owned only: start it again over the same files. */
  startDaemon(): Promise<void>;
  /** Owned only: SIGSTOP / SIGCONT, a journald that stops reading. */
  freeze(frozen: boolean): void;
  /** At the end: stop what the harness started and remove what it created. */
  close(): Promise<void>;
}

export async function startJournald(): Promise<Journald> {
  if ((await observeJournalSocket(JOURNAL_SOCKET)).state === 'live') return machineJournald();
  const root = await mkdtemp(join(tmpdir(), 'vfkeeper-journald-'));
  const hadRunDir = existsSync(JOURNAL_RUN_DIR);
  let child: ChildProcess | null = await spawnJournald(root);
  const owned = (): ChildProcess => {
    if (child === null) throw new Error('journald is not running');
    return child;
  };
  return {
    owned: true,
    journalArgs: ['-D', join(root, 'journal')],
    stopDaemon: async () => {
      await stopProcess(owned());
      child = null;
    },
    startDaemon: async () => {
      child ??= await spawnJournald(root);
    },
    freeze: (frozen) => owned().kill(frozen ? 'SIGSTOP' : 'SIGCONT'),
    close: async () => {
      if (child !== null) await stopProcess(child);
      child = null;
      await rm(root, { recursive: true, force: true });
      if (!hadRunDir) await rm(JOURNAL_RUN_DIR, { recursive: true, force: true });
    },
  };
}

function machineJournald(): Journald {
  const refuse = (): never => {
    throw new Error("this is the machine's journald; the harness does not stop or pause it");
  };
  return { owned: false, journalArgs: [], stopDaemon: refuse, startDaemon: refuse, freeze: refuse, close: async () => undefined };
}

async function spawnJournald(root: string): Promise<ChildProcess> {
  // SYSTEMD_LOG_TARGET keeps journald's own messages off /dev/kmsg.
  const child = spawnWithPrivateMount({ from: root, over: '/run/log' }, [JOURNALD], {
    env: { ...process.env, SYSTEMD_LOG_TARGET: 'console' },
    stdio: ['ignore', 'ignore', 'pipe'],
    dieWithParent: true,
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`journald exited (${child.exitCode ?? child.signalCode}): ${output.trim()}`);
    }
    return (await observeJournalSocket(JOURNAL_SOCKET)).state === 'live';
  }, 'journald listening on ' + JOURNAL_SOCKET);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGCONT');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
