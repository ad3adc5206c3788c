// The stderr sink: one line per entry, `<N>` lines for journald
// (format-stderr-line.ts) or readable ones for a person (format-terminal-line.ts).
//
// Invariants:
// - log() never throws: a failing stream is reported through its 'error'
//   event, which this sink listens to so it cannot crash the process.
// - `pending` counts writes the stream has not confirmed; flush() resolves
//   when it is zero.
import { formatStderrLine } from './format-stderr-line.js';
import { formatTerminalLine } from './format-terminal-line.js';
import { Priority, type ClosableLogger, type LogEntry } from './types.js';

export interface StderrLoggerOptions {
  /** Where lines go (process.stderr in production, a PassThrough in tests). */
  stream: NodeJS.WritableStream;
  /** Entries less severe than this (a larger number) are not written; default debug: all. */
  maxPriority?: Priority;
  /** `journal`: `<N>message [FIELDS]` (default); `terminal`: the message alone, for a person. */
  style?: 'journal' | 'terminal';
  /** Entries not written at all (what the command prints itself). */
  omit?: (entry: LogEntry) => boolean;
}

export function createStderrLogger(options: StderrLoggerOptions): ClosableLogger {
  const { stream } = options;
  const maxPriority = options.maxPriority ?? Priority.debug;
  const format = options.style === 'terminal' ? formatTerminalLine : formatStderrLine;
  const omit = options.omit ?? (() => false);
  let pending = 0;
  let waiters: Array<() => void> = [];

  const settle = (): void => {
    pending -= 1;
    if (pending > 0) return;
    const ready = waiters;
    waiters = [];
    for (const resolve of ready) resolve();
  };
  // A write error is also passed to the write callback, which settles it.
  stream.on('error', () => undefined);

  const flush = (): Promise<void> => {
    if (pending === 0) return Promise.resolve();
    return new Promise((resolve) => waiters.push(resolve));
  };
  return {
    log(entry: LogEntry): void {
      if (entry.priority > maxPriority || omit(entry)) return;
      try {
        pending += 1;
        stream.write(format(entry), settle);
      } catch {
        // A destroyed stream throws; there is nowhere left to write to.
        settle();
      }
    },
    flush,
    close: flush,
  };
}
