// The thread that calls the journald binding. sd_journal_sendv() writes to a
// blocking datagram socket: once journald stops reading (stopped, hung on
// I/O, restarting behind systemd's socket) and its queue holds
// net.unix.max_dgram_qlen entries, the call blocks until journald reads again.
// Measured here: with journald SIGSTOPped the 12th send never returns. So
// sends run on this worker and the event loop never waits for journald; the
// main side (journald-logger.ts) notices the silence and moves to stderr.
//
// The worker's code is runJournalWorker's source, run with `eval: true`, so
// it works the same from the TypeScript sources (tests) and from dist; it
// uses only globals, nothing imported.
//
// The binding is not context-aware: while one thread of the process has it
// loaded, dlopen() in any other fails with "Module did not self-register"
// (measured with Node 20). So it is loaded on this worker only, and there is
// one worker per process at a time: a logger's close() ends it.
import { Worker } from 'node:worker_threads';

export interface WorkerRequest {
  seq: number;
  priority: number;
  fields: string[];
}

/** `sent`: send() returned rc (0 or -errno); `broken`: the worker cannot send any more. */
export type WorkerReply = { kind: 'sent'; seq: number; rc: number } | { kind: 'broken'; reason: string };

export type WorkerReady = { ok: true } | { ok: false; reason: string };

export interface JournalWorkerConfig {
  bindingPath: string;
  /** Checked before each send: the binding reports success when the socket file is gone. */
  socketPath: string;
}

export interface JournalWorker {
  /** Resolves once the binding loaded in the worker, or with why it did not. */
  readonly ready: Promise<WorkerReady>;
  /** Where replies go; replies before the first call are dropped (nothing is posted before). */
  listen(onReply: (reply: WorkerReply) => void): void;
  post(request: WorkerRequest): void;
  /** Keep the process alive while entries are in flight, not otherwise. */
  hold(busy: boolean): void;
  /** Ends the thread; resolves when it is gone (never, while a send is stuck in the kernel). */
  stop(): Promise<void>;
}

export function startJournalWorker(config: JournalWorkerConfig): JournalWorker {
  const worker = new Worker(`(${runJournalWorker.toString()})()`, { eval: true, workerData: config });
  let onReply: (reply: WorkerReply) => void = () => undefined;
  let markReady: (ready: WorkerReady) => void = () => undefined;
  const ready = new Promise<WorkerReady>((resolve) => (markReady = resolve));
  let stopped = false;
  const broken = (reason: string): void => {
    markReady({ ok: false, reason });
    if (!stopped) onReply({ kind: 'broken', reason });
    stopped = true;
  };
  worker.unref();
  worker.on('message', (message: unknown) => {
    if (isReadyMessage(message)) return markReady({ ok: true });
    const reply = parseWorkerReply(message);
    if (reply?.kind === 'broken') broken(reply.reason);
    else if (reply !== undefined && !stopped) onReply(reply);
  });
  worker.on('error', (error) => broken(`journal worker failed: ${error.message}`));
  worker.on('exit', (code) => broken(`journal worker exited with code ${code}`));
  return {
    ready,
    listen: (handler) => (onReply = handler),
    post: (request) => worker.postMessage(request),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    stop: async () => {
      stopped = true;
      await worker.terminate();
    },
  };
}

function isReadyMessage(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'kind' in message && message.kind === 'ready';
}

export function parseWorkerReply(message: unknown): WorkerReply | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const m = message as Record<string, unknown>;
  if (m.kind === 'sent' && typeof m.seq === 'number' && typeof m.rc === 'number') {
    return { kind: 'sent', seq: m.seq, rc: m.rc };
  }
  if (m.kind === 'broken' && typeof m.reason === 'string') return { kind: 'broken', reason: m.reason };
  return undefined;
}

/** Runs inside the worker: load the binding, then send each request in order. */
function runJournalWorker(): void {
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  const { existsSync } = process.getBuiltinModule('node:fs');
  const { errno } = process.getBuiltinModule('node:os').constants;
  const config = workerData as { bindingPath: string; socketPath: string };
  if (parentPort === null) return;
  const binding: { exports: { send?: unknown } } = { exports: {} };
  try {
    process.dlopen(binding, config.bindingPath);
  } catch (error) {
    parentPort.postMessage({ kind: 'broken', reason: `cannot load ${config.bindingPath}: ${String(error)}` });
    return;
  }
  const send = binding.exports.send as (priority: number, ...fields: string[]) => number;
  parentPort.postMessage({ kind: 'ready' });
  parentPort.on('message', (request: { seq: number; priority: number; fields: string[] }) => {
    let rc: number;
    try {
      rc = existsSync(config.socketPath) ? send(request.priority, ...request.fields) : -errno.ENOENT;
    } catch {
      rc = -errno.EINVAL;
    }
    parentPort.postMessage({ kind: 'sent', seq: request.seq, rc });
  });
}
