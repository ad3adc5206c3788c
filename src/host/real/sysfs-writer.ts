// Sysfs writes that may never return. Why: a driver may block in write(2)
// for minutes or for ever (vfio waiting for a VM to let go, a firmware that
// hangs). On libuv's thread pool, shared by every file operation, hung
// writes would freeze every read of sysfs, the state and pause files, the
// configuration reload and the status answer.
//
// Design: a write runs either on libuv's pool, but only while fewer than
// `poolWrites` of ours are in flight there (the pool's size less the
// threads kept for everything else), or as a synchronous open/write/close
// in a unit of this writer's own, so a write that never returns blocks
// only its unit. A unit is a worker thread ('thread') or a small child
// process ('process'):
//  - the pool costs nothing to start, which the daemon's event path wants:
//    a worker thread takes 75-100 ms to start here and a second or more in
//    a TCG guest, on every burst once idle units have ended
//    (bench/RESULTS.md); only a burst wider than the pool's share, or one
//    after hung writes took it, starts threads;
//  - threads start far faster than processes; but Node joins its threads
//    (and libuv's pool) at exit, so a thread blocked in the kernel holds the
//    process (the daemon's unit ends it with SIGKILL after TimeoutStopSec);
//  - a child process blocked in write(2) does not hold its parent, which a
//    one-off `vfkeeper reconcile` needs to report the deadline and exit: it
//    has no pool share (poolWrites 0).
// For units:
//  - A write takes an idle unit, or starts one. A write that returns gives
//    its unit back (at most IDLE_MAX are kept; the rest end, and a kept one
//    ends after IDLE_MS unused: nothing is kept at rest).
//  - A write that does not return keeps its unit (or its pool share),
//    blocked in the kernel; the next write runs elsewhere. The caller hears
//    of it at the deadline (deadline-sysfs.ts); if the write returns later,
//    its answer still settles the caller's promise, which frees the path
//    for a new write.
//  - Units never keep the process alive (unref'd): whoever waits for a write
//    does (deadline-sysfs.ts's timer).
// Invariants: at most WRITES_MAX writes are in flight (hung ones included,
// on the pool or in units); beyond that a write is refused at once with
// EAGAIN rather than queued behind hung ones. Writes to one path are never
// concurrent: the deadline wrapper refuses a second while the first is
// pending.
import { spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { writeAttribute } from './attribute-file.js';

const IDLE_MAX = 2;
const IDLE_MS = 10_000;
const WRITES_MAX = 16;
/** libuv's pool threads kept for everything but our writes. */
const POOL_KEPT = 2;
const POOL_DEFAULT = 4;

export type WriterUnit = 'thread' | 'process';

/** The one write, in either kind of unit. */
const WRITE_SOURCE = `
function write({ file, value }) {
  try {
    // O_WRONLY without O_CREAT: a missing attribute is ENOENT, as in sysfs.
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    try { fs.writeSync(fd, value); } finally { fs.closeSync(fd); }
    return { ok: true };
  } catch (e) {
    return { ok: false, code: String((e && e.code) || 'EIO'), message: String((e && e.message) || e) };
  }
}
`;

// Evaluated in the thread (the bundle has no separate file to point a
// Worker at); getBuiltinModule works whether it is read as CommonJS or ESM.
const THREAD_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const fs = process.getBuiltinModule('node:fs');
${WRITE_SOURCE}
parentPort.on('message', (m) => parentPort.postMessage(write(m)));
`;

// Run by `node -e`.
const CHILD_SOURCE = `
const fs = require('node:fs');
${WRITE_SOURCE}
process.on('disconnect', () => process.exit(0));
process.on('message', (m) => { const answer = write(m); if (process.connected) process.send(answer); });
`;

type Answer = { ok: true } | { ok: false; code: string; message: string };

/** A thread or a child process, as the pool uses it. */
interface Unit {
  send(message: { file: string; value: string }, failed: (e: Error) => void): void;
  /** Ends the unit once it is idle (a blocked one is left to its write). */
  end(): void;
}

interface Slot {
  unit: Unit;
  settle: ((a: Answer) => void) | null;
  /** While idle: ends the unit once it has been unused for IDLE_MS. */
  idleTimer: NodeJS.Timeout | null;
}

/** A Node-style system error (err.code), for sysfsError to read. */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * How many writes may be in flight on libuv's pool: its size
 * (UV_THREADPOOL_SIZE, read by libuv from the environment the process
 * started with; 4 when unset) less POOL_KEPT.
 */
export function poolWriteShare(env: NodeJS.ProcessEnv): number {
  const size = Number(env.UV_THREADPOOL_SIZE);
  const threads = Number.isInteger(size) && size >= 1 ? Math.min(size, 1024) : POOL_DEFAULT;
  return Math.max(0, threads - POOL_KEPT);
}

export interface SysfsWriterOptions {
  /** Writes that may run on libuv's pool at once (poolWriteShare); 0: every write in a unit. */
  poolWrites?: number;
}

export class SysfsWriter {
  readonly #idle: Slot[] = [];
  readonly #busy = new Set<Slot>();
  /** Our writes on libuv's pool that have not returned (hung ones included). */
  #onPool = 0;
  readonly #poolWrites: number;

  constructor(
    private readonly kind: WriterUnit = 'process',
    options: SysfsWriterOptions = {},
  ) {
    this.#poolWrites = options.poolWrites ?? 0;
  }

  /** One write(2) of `value` to `file`; rejects with a Node-style error (code = errno). */
  write(file: string, value: string): Promise<void> {
    if (this.#busy.size + this.#onPool >= WRITES_MAX) {
      return Promise.reject(systemError('EAGAIN', `${WRITES_MAX} sysfs writes have not returned; not starting another`));
    }
    if (this.#onPool < this.#poolWrites) return this.#writeOnPool(file, value);
    const slot = this.#idle.pop() ?? this.#start();
    if (slot.idleTimer !== null) clearTimeout(slot.idleTimer);
    slot.idleTimer = null;
    this.#busy.add(slot);
    return new Promise<void>((resolve, reject) => {
      slot.settle = (a) => {
        if (a.ok) resolve();
        else reject(systemError(a.code, a.message));
      };
      slot.unit.send({ file, value }, (e) =>
        this.#answered(slot, { ok: false, code: 'EIO', message: `the sysfs writer ${this.kind} is gone: ${e.message}` }, true),
      );
    });
  }

  async #writeOnPool(file: string, value: string): Promise<void> {
    this.#onPool += 1;
    try {
      await writeAttribute(file, value);
    } finally {
      // Never reached while the write hangs: its share of the pool stays taken.
      this.#onPool -= 1;
    }
  }

  #start(): Slot {
    const slot: Slot = { unit: { send: () => undefined, end: () => undefined }, settle: null, idleTimer: null };
    const answered = (a: Answer) => this.#answered(slot, a);
    const died = (message: string) => this.#answered(slot, { ok: false, code: 'EIO', message }, true);
    slot.unit = this.kind === 'thread' ? startThread(answered, died) : startProcess(answered, died);
    return slot;
  }

  #answered(slot: Slot, a: Answer, dead = false): void {
    const settle = slot.settle;
    slot.settle = null;
    this.#busy.delete(slot);
    settle?.(a);
    if (dead) {
      const i = this.#idle.indexOf(slot);
      if (i >= 0) this.#idle.splice(i, 1);
      return;
    }
    if (this.#idle.length >= IDLE_MAX) return slot.unit.end();
    this.#idle.push(slot);
    slot.idleTimer = setTimeout(() => {
      const i = this.#idle.indexOf(slot);
      if (i >= 0) this.#idle.splice(i, 1);
      slot.unit.end();
    }, IDLE_MS);
    slot.idleTimer.unref();
  }
}

function startThread(answered: (a: Answer) => void, died: (message: string) => void): Unit {
  const worker = new Worker(THREAD_SOURCE, { eval: true });
  worker.unref();
  worker.on('message', answered);
  worker.on('error', (e: Error) => died(e.message));
  worker.on('exit', () => died('the sysfs writer thread ended'));
  return {
    send: (message) => worker.postMessage(message),
    end: () => void worker.terminate(),
  };
}

function startProcess(answered: (a: Answer) => void, died: (message: string) => void): Unit {
  // No stdio: a child left blocked must not hold our output pipes open.
  const proc = spawn(process.execPath, ['-e', CHILD_SOURCE], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: {} });
  proc.unref();
  proc.channel?.unref();
  proc.on('message', answered);
  proc.on('error', (e: Error) => died(e.message));
  proc.on('exit', () => died('the sysfs writer process ended'));
  return {
    send: (message, failed) => proc.send(message, (e) => e && failed(e)),
    end: () => {
      if (proc.connected) proc.disconnect();
    },
  };
}
