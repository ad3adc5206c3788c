// Node's system error codes (err.code, "ENOENT") and the errno our own
// errors carry (context.errno), read in one place. "Absent" is the only
// error a reader may turn into a default: the thing is really not there
// (ENOENT), or the device went away (ENODEV). Anything else (EACCES, EIO,
// a capability dropped by a drop-in) is an error, and the caller must say
// so: a read that failed is never "nothing there".
import { VfkeeperError } from './errors.js';

const ERRNO = /^E[A-Z0-9]+$/;

/** "ENOENT" for a Node system error or one of ours that carries an errno; undefined otherwise. */
export function errnoOf(e: unknown): string | undefined {
  if (e instanceof VfkeeperError) return e.context.errno;
  const code: unknown = typeof e === 'object' && e !== null ? Reflect.get(e, 'code') : undefined;
  return typeof code === 'string' && ERRNO.test(code) ? code : undefined;
}

const ABSENT = new Set(['ENOENT', 'ENODEV']);

/** The thing is not there (ENOENT) or its device is gone (ENODEV). */
export function isAbsent(e: unknown): boolean {
  const errno = errnoOf(e);
  return errno !== undefined && ABSENT.has(errno);
}

/** The read's value, or `fallback` when what it reads is absent; every other error is thrown on. */
export async function ifAbsent<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (isAbsent(e)) return fallback;
    throw e;
  }
}
