// Sysfs writes off libuv's thread pool. Why: a driver may block in write(2)
// for minutes (vfio waiting for a VM to let go, a firmware that hangs), and
// libuv has four threads shared by every file operation of the process:
// four hung writes would freeze every read of sysfs, the state and pause
// files, the configuration reload and the status answer.
//
// Design: each write is a synchronous open/write/close in a worker thread
// of this writer's own pool, so a write that never returns blocks only its
// thread, never libuv's.
//  - A write takes an idle thread, or starts one. A write that returns
//    gives its thread back (at most IDLE_MAX are kept; the rest end).
//  - A write that does not return keeps its thread, blocked in the kernel;
//    the next write runs on another. The caller hears of it at the deadline
//    (deadline-sysfs.ts); if the write returns later, its answer still
//    settles the caller's promise, which frees the path for a new write.
//  - Not solved here: Node joins its threads at exit, so a process whose
//    write is still blocked waits for it to return before it can exit, as
//    it did with the write on libuv's pool (the daemon's unit ends it with
//    SIGKILL after TimeoutStopSec).
// Invariants: at most THREADS_MAX threads are busy (hung ones included);
// beyond that a write is refused at once with EAGAIN rather than queued
// behind hung ones. Writes to one path are never concurrent: the deadline
// wrapper refuses a second while the first is pending.
import { Worker } from 'node:worker_threads';

const IDLE_MAX = 2;
const THREADS_MAX = 16;

// Evaluated in the thread (the bundle has no separate file to point a
// Worker at); getBuiltinModule works whether it is read as CommonJS or ESM.
const THREAD_SOURCE = `
const { parentPort } = process.getBuiltinModule('node:worker_threads');
const fs = process.getBuiltinModule('node:fs');
parentPort.on('message', ({ file, value }) => {
  try {
    // O_WRONLY without O_CREAT: a missing attribute is ENOENT, as in sysfs.
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    try { fs.writeSync(fd, value); } finally { fs.closeSync(fd); }
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, code: String(e && e.code || 'EIO'), message: String(e && e.message || e) });
  }
});
`;

type Answer = { ok: true } | { ok: false; code: string; message: string };

interface Thread {
  worker: Worker;
  settle: ((a: Answer) => void) | null;
}

/** A Node-style system error (err.code), for sysfsError to read. */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class SysfsWriter {
  readonly #idle: Thread[] = [];
  readonly #busy = new Set<Thread>();
  /** One write(2) of `value` to `file`; rejects with a Node-style error (code = errno). */
  write(file: string, value: string): Promise<void> {
    if (this.#busy.size >= THREADS_MAX) {
      return Promise.reject(systemError('EAGAIN', `${THREADS_MAX} sysfs writes have not returned; not starting another`));
    }
    const thread = this.#idle.pop() ?? this.#start();
    this.#busy.add(thread);
    thread.worker.ref();
    return new Promise<void>((resolve, reject) => {
      thread.settle = (a) => {
        if (a.ok) resolve();
        else reject(systemError(a.code, a.message));
      };
      thread.worker.postMessage({ file, value });
    });
  }

  #start(): Thread {
    const thread: Thread = { worker: new Worker(THREAD_SOURCE, { eval: true, execArgv: [] }), settle: null };
    thread.worker.on('message', (a: Answer) => this.#answered(thread, a));
    thread.worker.on('error', (e: Error) => this.#answered(thread, { ok: false, code: 'EIO', message: e.message }, true));
    thread.worker.on('exit', () => this.#answered(thread, { ok: false, code: 'EIO', message: 'the sysfs writer thread ended' }, true));
    return thread;
  }

  #answered(thread: Thread, a: Answer, dead = false): void {
    const settle = thread.settle;
    thread.settle = null;
    this.#busy.delete(thread);
    settle?.(a);
    if (dead) return;
    if (this.#idle.length < IDLE_MAX) {
      thread.worker.unref();
      this.#idle.push(thread);
    } else void thread.worker.terminate();
  }
}
