// Sysfs writes off libuv's thread pool, and out of the process. Why: a
// driver may block in write(2) for minutes or for ever (vfio waiting for a
// VM to let go, a firmware that hangs). On libuv's four threads, shared by
// every file operation, four hung writes would freeze every read of sysfs,
// the state and pause files, the configuration reload and the status
// answer. In a thread of the process (worker_threads), one hung write would
// still hold the process at exit: Node joins its threads when it exits, and
// a thread blocked in the kernel never returns, so a one-off `vfkeeper
// reconcile` would hang after printing its report.
//
// Design: each write is a synchronous open/write/close in a small child
// process of this writer's own pool, so a write that never returns blocks
// only its child.
//  - A write takes an idle child, or starts one. A write that returns gives
//    its child back (at most IDLE_MAX are kept; the rest end, and a kept
//    one ends after IDLE_MS unused: a daemon at rest keeps no child).
//  - A write that does not return keeps its child, blocked in the kernel;
//    the next write runs in another. The caller hears of it at the deadline
//    (deadline-sysfs.ts); if the write returns later, its answer still
//    settles the caller's promise, which frees the path for a new write.
//  - The children never keep the process alive (unref'd): whoever waits for
//    a write does (deadline-sysfs.ts's timer), and a process with nothing
//    left to do exits, leaving a blocked child behind; it ends once its
//    write returns (its channel to us is gone).
// Invariants: at most CHILDREN_MAX children are busy (hung ones included);
// beyond that a write is refused at once with EAGAIN rather than queued
// behind hung ones. Writes to one path are never concurrent: the deadline
// wrapper refuses a second while the first is pending.
import { spawn, type ChildProcess } from 'node:child_process';

const IDLE_MAX = 2;
const IDLE_MS = 10_000;
const CHILDREN_MAX = 16;

// Run by `node -e` (the bundle has no separate file to point a child at).
const CHILD_SOURCE = `
const fs = require('node:fs');
process.on('disconnect', () => process.exit(0));
process.on('message', ({ file, value }) => {
  let answer;
  try {
    // O_WRONLY without O_CREAT: a missing attribute is ENOENT, as in sysfs.
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_TRUNC);
    try { fs.writeSync(fd, value); } finally { fs.closeSync(fd); }
    answer = { ok: true };
  } catch (e) {
    answer = { ok: false, code: String((e && e.code) || 'EIO'), message: String((e && e.message) || e) };
  }
  if (process.connected) process.send(answer);
});
`;

type Answer = { ok: true } | { ok: false; code: string; message: string };

interface Child {
  proc: ChildProcess;
  settle: ((a: Answer) => void) | null;
  /** While idle: ends the child once it has been unused for IDLE_MS. */
  idleTimer: NodeJS.Timeout | null;
}

/** A Node-style system error (err.code), for sysfsError to read. */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

export class SysfsWriter {
  readonly #idle: Child[] = [];
  readonly #busy = new Set<Child>();

  /** One write(2) of `value` to `file`; rejects with a Node-style error (code = errno). */
  write(file: string, value: string): Promise<void> {
    if (this.#busy.size >= CHILDREN_MAX) {
      return Promise.reject(systemError('EAGAIN', `${CHILDREN_MAX} sysfs writes have not returned; not starting another`));
    }
    const child = this.#idle.pop() ?? this.#start();
    if (child.idleTimer !== null) clearTimeout(child.idleTimer);
    child.idleTimer = null;
    this.#busy.add(child);
    return new Promise<void>((resolve, reject) => {
      child.settle = (a) => {
        if (a.ok) resolve();
        else reject(systemError(a.code, a.message));
      };
      child.proc.send({ file, value }, (e) => {
        if (e) this.#answered(child, { ok: false, code: 'EIO', message: `the sysfs writer process is gone: ${e.message}` }, true);
      });
    });
  }

  #start(): Child {
    // No stdio: a child left blocked must not hold our output pipes open.
    const proc = spawn(process.execPath, ['-e', CHILD_SOURCE], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'], env: {} });
    const child: Child = { proc, settle: null, idleTimer: null };
    proc.unref();
    proc.channel?.unref();
    proc.on('message', (a: Answer) => this.#answered(child, a));
    proc.on('error', (e: Error) => this.#answered(child, { ok: false, code: 'EIO', message: e.message }, true));
    proc.on('exit', () => this.#answered(child, { ok: false, code: 'EIO', message: 'the sysfs writer process ended' }, true));
    return child;
  }

  #answered(child: Child, a: Answer, dead = false): void {
    const settle = child.settle;
    child.settle = null;
    this.#busy.delete(child);
    settle?.(a);
    if (dead) {
      const i = this.#idle.indexOf(child);
      if (i >= 0) this.#idle.splice(i, 1);
      return;
    }
    if (this.#idle.length >= IDLE_MAX) return child.proc.disconnect();
    this.#idle.push(child);
    child.idleTimer = setTimeout(() => {
      const i = this.#idle.indexOf(child);
      if (i >= 0) this.#idle.splice(i, 1);
      if (child.proc.connected) child.proc.disconnect();
    }, IDLE_MS);
    child.idleTimer.unref();
  }
}
