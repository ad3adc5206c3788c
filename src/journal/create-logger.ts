// Picks the sink for a process: the journal when the binding loads and
// journald really listens, stderr otherwise. One call per entry point (the
// composition root); the Logger is then passed down as an argument.
import { createJournaldLogger } from './journald-logger.js';
import { findJournalBinding } from './find-journal-binding.js';
import { startJournalWorker, type JournalWorker } from './journal-worker.js';
import { JOURNAL_SOCKET, observeJournalSocket } from './observe-journal-socket.js';
import { createStderrLogger } from './stderr-logger.js';
import { stderrGoesToJournal } from './stderr-goes-to-journal.js';
import { Priority, type ClosableLogger, type LogEntry } from './types.js';

/** `auto`: journal if reachable, else stderr. `journal`: the journal even if the probe fails (sends that fail still go to stderr). */
export type LogMode = 'auto' | 'journal' | 'stderr';
const LOG_MODES: readonly LogMode[] = ['auto', 'journal', 'stderr'];

export interface CreateLoggerOptions {
  /** From a command-line flag; wins over VFKEEPER_LOG. */
  mode?: LogMode;
  /** Where VFKEEPER_LOG is read; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The stderr sink's stream; default process.stderr. */
  stream?: NodeJS.WritableStream;
  /** On a terminal (stderr neither the journal's nor asked for with VFKEEPER_LOG=stderr), entries not written: what the command prints itself. */
  omitOnTerminal?: (entry: LogEntry) => boolean;
  /** Also write entries at least this severe to stderr while logging to the journal (`--verbose`). */
  mirror?: Priority;
  /** journald's native socket, probed for a listener; default /run/systemd/journal/socket. */
  socketPath?: string;
  /** The native binding; default the systemd-journald package's. */
  bindingPath?: string;
  /** SYSLOG_IDENTIFIER; default vfkeeper. */
  identifier?: string;
  /** The unit every entry is about (OBJECT_SYSTEMD_UNIT), for `journalctl -u`; none by default. */
  aboutUnit?: string;
  /** No answer from journald for this long moves entries to stderr; default 3000. */
  stallMs?: number;
  /** After a failure, try the journal again at most this often; default 30000. */
  retryMs?: number;
}

export interface LogSinkChoice {
  sink: 'journal' | 'stderr';
  /** Why, in words (for `doctor` and `--verbose`). */
  reason: string;
  bindingPath?: string;
  /** Something the user asked for that cannot be done. */
  warning?: string;
}

/** Parses VFKEEPER_LOG; unset is `auto`, anything else unknown is `auto` with a warning. */
export function parseLogMode(text: string | undefined): { mode: LogMode; warning?: string } {
  if (text === undefined || text === '') return { mode: 'auto' };
  const mode = LOG_MODES.find((m) => m === text.trim().toLowerCase());
  if (mode !== undefined) return { mode };
  return { mode: 'auto', warning: `VFKEEPER_LOG=${text} is not one of ${LOG_MODES.join(', ')}; using auto` };
}

type OpenedSink = LogSinkChoice & { worker?: JournalWorker };

/** Which sink createLogger() would use, and why; nothing is kept running. */
export async function chooseLogSink(options: CreateLoggerOptions = {}): Promise<LogSinkChoice> {
  const { worker, ...choice } = await openLogSink(options);
  await worker?.stop();
  return choice;
}

/**
 * The Logger for this process; `await logger.close()` before exiting. One
 * journal logger per process at a time (journal-worker.ts says why); a
 * second one, while the first is open, logs to stderr.
 */
export async function createLogger(options: CreateLoggerOptions = {}): Promise<ClosableLogger> {
  const stream = options.stream ?? process.stderr;
  const env = options.env ?? process.env;
  // `<N>` lines where journald reads them or where they were asked for; a person's lines otherwise.
  const asked = (options.mode ?? parseLogMode(env.VFKEEPER_LOG).mode) === 'stderr';
  const style = asked || stderrGoesToJournal(env, stream) ? 'journal' : 'terminal';
  const omit = style === 'terminal' ? options.omitOnTerminal : undefined;
  const stderr = createStderrLogger({ stream, style, ...(omit === undefined ? {} : { omit }) });
  const opened = await openLogSink(options);
  if (opened.warning !== undefined) stderr.log({ priority: Priority.warning, message: opened.warning });
  if (opened.worker === undefined) return stderr;
  return createJournaldLogger({
    worker: opened.worker,
    socketPath: options.socketPath ?? JOURNAL_SOCKET,
    identifier: options.identifier ?? 'vfkeeper',
    ...(options.aboutUnit === undefined ? {} : { aboutUnit: options.aboutUnit }),
    fallback: stderr,
    mirror: options.mirror === undefined ? null : createStderrLogger({ stream, maxPriority: options.mirror, style }),
    stallMs: options.stallMs ?? 3000,
    retryMs: options.retryMs ?? 30_000,
  });
}

// The journal needs a live socket (unless `journal` was asked for), the
// binding file, and a worker that loaded it. A failure after the first is
// worth a warning: journald is there, or was asked for, and is not used.
async function openLogSink(options: CreateLoggerOptions): Promise<OpenedSink> {
  const parsed = options.mode !== undefined ? { mode: options.mode } : parseLogMode((options.env ?? process.env).VFKEEPER_LOG);
  const fallBack = (reason: string, warning = parsed.warning): OpenedSink => ({
    sink: 'stderr',
    reason,
    ...(warning === undefined ? {} : { warning }),
  });
  if (parsed.mode === 'stderr') return fallBack('stderr was asked for');
  const socketPath = options.socketPath ?? JOURNAL_SOCKET;
  const socket = await observeJournalSocket(socketPath);
  if (socket.state !== 'live' && parsed.mode === 'auto') return fallBack(socket.detail);
  const asked = socket.state === 'live' ? `journald listens on ${socketPath}` : 'the journal was asked for';
  const binding = findJournalBinding(options.bindingPath);
  if (!binding.ok) return fallBack(binding.reason, `${asked}, but ${binding.reason}; logging to stderr`);
  const worker = startJournalWorker({ bindingPath: binding.path, socketPath });
  const ready = await Promise.race([worker.ready, expire(READY_MS)]);
  if (!ready.ok) {
    await worker.stop();
    return fallBack(ready.reason, `${asked}, but ${ready.reason}; logging to stderr`);
  }
  return {
    sink: 'journal',
    reason: asked,
    bindingPath: binding.path,
    worker,
    ...(parsed.warning === undefined ? {} : { warning: parsed.warning }),
  };
}

const READY_MS = 5000;

function expire(ms: number): Promise<{ ok: false; reason: string }> {
  return new Promise((resolve) => {
    setTimeout(() => resolve({ ok: false, reason: `the journal worker did not start within ${ms} ms` }), ms).unref();
  });
}
