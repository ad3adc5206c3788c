// One sysfs attribute read or written on libuv's pool, on callbacks. Why
// not fs/promises: it makes a FileHandle, and its readFile an fstat and a
// second read to find the end, each a promise round trip; a run's passes
// read a few hundred attributes and a bind writes two, and on the real
// kernel those passes are CPU-bound (bench/RESULTS.md 0g).
// On the pool, not in place: some attributes (sriov_numvfs) take the
// device's lock, which a probe or a count write holds for seconds.
import { close, constants, open, read, write } from 'node:fs';

const CHUNK = 4096;

/**
 * The file's whole text. A kernfs attribute gives its whole show() text,
 * at most a page, in one read(2); a read shorter than the buffer is the
 * end, as it is for a regular file (the tests' trees). A longer text is
 * read on until a read returns nothing.
 */
export function readAttribute(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openError, fd) => {
      if (openError) return reject(openError);
      const chunks: Buffer[] = [];
      const done = closing(fd, reject, () => resolve(Buffer.concat(chunks).toString('utf8')));
      const next = (): void => {
        const buffer = Buffer.allocUnsafe(CHUNK);
        read(fd, buffer, 0, CHUNK, null, (readError, n) => {
          if (readError) return done(readError);
          if (n > 0) chunks.push(buffer.subarray(0, n));
          if (n < CHUNK) done(null);
          else next();
        });
      };
      next();
    });
  });
}

/**
 * One write(2) of `value`: the kernel's store() takes the whole value at
 * once and answers for it. O_WRONLY without O_CREAT: a missing attribute
 * is ENOENT, as in sysfs.
 */
export function writeAttribute(path: string, value: string): Promise<void> {
  return new Promise((resolve, reject) => {
    open(path, constants.O_WRONLY | constants.O_TRUNC, (openError, fd) => {
      if (openError) return reject(openError);
      write(fd, value, null, 'utf8', (writeError) => closing(fd, reject, resolve)(writeError));
    });
  });
}

/** Closes fd, then settles: the first error (the operation's, else the close's), or done. */
function closing(fd: number, reject: (e: Error) => void, done: () => void): (error: Error | null) => void {
  return (error) =>
    close(fd, (closeError) => {
      const failed = error ?? closeError;
      if (failed) reject(failed);
      else done();
    });
}
