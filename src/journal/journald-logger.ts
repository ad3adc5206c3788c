// The journald sink: entries go to the journal worker (journal-worker.ts);
// whatever journald does not take goes to the fallback (stderr), never
// nowhere.
//
// Invariants:
// - Every entry ends in the journal or on the fallback. An entry still
//   unanswered when journald stalls goes to the fallback and may reach the
//   journal too once journald wakes up: a duplicate rather than a loss.
// - `pending` holds the entries posted and not yet answered, oldest first.
//   While it is non-empty, and only then, the worker holds the process alive
//   and the stall timer runs, so flush() resolves within stallMs.
// - mode 'journal' posts; mode 'fallback' writes to the fallback. Back to
//   'journal' only when the socket answers as live, the worker is idle
//   (inFlight 0: a send stuck in the kernel is not behind us) and retryMs
//   have passed since the last failure. A broken or closed worker is final:
//   later entries go to the fallback.
// - log() never throws and never waits for journald.
//
// Limit: a send stuck in the kernel cannot be cancelled, and Node joins
// worker threads at exit, so a process whose worker is stuck exits only once
// journald reads again (or when systemd's stop timeout kills it). close()
// gives up waiting for the worker after stallMs, so it never hangs itself.
import { constants } from 'node:os';
import { observeJournalSocket } from './observe-journal-socket.js';
import { formatJournalFields } from './format-journal-fields.js';
import type { JournalWorker, WorkerReply } from './journal-worker.js';
import { formatErrno } from './format-errno.js';
import { Priority, type ClosableLogger, type LogEntry, type Logger } from './types.js';

export interface JournaldLoggerOptions {
  /** Started, and ready (its binding loaded). */
  worker: JournalWorker;
  /** Probed before going back to the journal after a failure. */
  socketPath: string;
  identifier: string;
  /** OBJECT_SYSTEMD_UNIT of every entry (format-journal-fields.ts says why); none when undefined. */
  aboutUnit?: string;
  /** Where entries go when journald does not take them. */
  fallback: Logger;
  /** Also given every entry sent to the journal (interactive --verbose); null for none. */
  mirror: Logger | null;
  /** No answer from journald for this long = stalled. */
  stallMs: number;
  /** After a failure, try journald again at most this often. */
  retryMs: number;
}

interface Pending {
  entry: LogEntry;
  postedAt: number;
}

const { EINVAL } = constants.errno;

export function createJournaldLogger(options: JournaldLoggerOptions): ClosableLogger {
  return new JournaldLogger(options);
}

class JournaldLogger implements ClosableLogger {
  private mode: 'journal' | 'fallback' = 'journal';
  private workerBroken = false;
  private readonly pending = new Map<number, Pending>();
  private inFlight = 0;
  private seq = 0;
  private stallTimer: NodeJS.Timeout | null = null;
  private failedAt = 0;
  private probing = false;
  private drained: Array<() => void> = [];

  constructor(private readonly options: JournaldLoggerOptions) {
    options.worker.listen((reply) => this.onReply(reply));
  }

  log(entry: LogEntry): void {
    try {
      if (this.mode === 'journal' && !this.workerBroken) {
        this.post(entry);
        this.options.mirror?.log(entry);
      } else {
        this.options.fallback.log(entry);
        this.maybeRecover();
      }
    } catch {
      this.options.fallback.log(entry);
    }
  }

  async flush(): Promise<void> {
    if (this.pending.size > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
    await Promise.all([this.options.fallback.flush(), this.options.mirror?.flush()]);
  }

  /** Flushes, then ends the worker; gives up on a worker stuck in a send after stallMs. */
  async close(): Promise<void> {
    await this.flush();
    this.workerBroken = true;
    const giveUp = new Promise<void>((resolve) => setTimeout(resolve, this.options.stallMs).unref());
    await Promise.race([this.options.worker.stop(), giveUp]);
  }

  private post(entry: LogEntry): void {
    const { worker } = this.options;
    const seq = ++this.seq;
    this.pending.set(seq, { entry, postedAt: performance.now() });
    this.inFlight += 1;
    if (this.pending.size === 1) {
      worker.hold(true);
      this.armStallTimer(this.options.stallMs);
    }
    worker.post({ seq, priority: entry.priority, fields: formatJournalFields(entry, this.options.identifier, this.options.aboutUnit) });
  }

  private onReply(reply: WorkerReply): void {
    if (reply.kind === 'broken') {
      this.workerBroken = true;
      this.inFlight = 0;
      this.fail(reply.reason);
      return;
    }
    this.inFlight -= 1;
    const item = this.pending.get(reply.seq);
    if (item === undefined) return; // already on the fallback
    this.pending.delete(reply.seq);
    // EINVAL is this entry's fault, not journald's: keep sending the others.
    if (reply.rc === -EINVAL) this.options.fallback.log(item.entry);
    else if (reply.rc < 0) this.fail(`sending failed with ${formatErrno(reply.rc)}`, item.entry);
    this.settleIfDrained();
  }

  private armStallTimer(ms: number): void {
    this.stallTimer = setTimeout(() => this.checkStall(), ms);
  }

  private checkStall(): void {
    this.stallTimer = null;
    const oldest = this.pending.values().next().value;
    if (oldest === undefined) return;
    const waited = Math.round(performance.now() - oldest.postedAt);
    if (waited < this.options.stallMs) this.armStallTimer(this.options.stallMs - waited);
    else this.fail(`no answer for ${waited} ms`);
  }

  /** To the fallback: a notice, the entry that failed, then everything still pending, in order. */
  private fail(reason: string, failed?: LogEntry): void {
    if (this.mode === 'journal') {
      const message = `journald is not taking entries (${reason}); logging to stderr until it is back`;
      this.options.fallback.log({ priority: Priority.warning, message });
    }
    this.mode = 'fallback';
    this.failedAt = performance.now();
    if (failed !== undefined) this.options.fallback.log(failed);
    for (const item of this.pending.values()) this.options.fallback.log(item.entry);
    this.pending.clear();
    this.settleIfDrained();
  }

  private settleIfDrained(): void {
    if (this.pending.size > 0) return;
    if (this.stallTimer !== null) clearTimeout(this.stallTimer);
    this.stallTimer = null;
    this.options.worker.hold(false);
    const waiting = this.drained;
    this.drained = [];
    for (const resolve of waiting) resolve();
  }

  private maybeRecover(): void {
    if (this.workerBroken || this.probing || this.inFlight > 0) return;
    if (performance.now() - this.failedAt < this.options.retryMs) return;
    this.probing = true;
    void observeJournalSocket(this.options.socketPath).then((result) => {
      this.probing = false;
      if (result.state !== 'live') {
        this.failedAt = performance.now();
        return;
      }
      this.mode = 'journal';
      this.options.fallback.log({ priority: Priority.notice, message: 'journald is taking entries again; logging to the journal' });
    });
  }
}
