// One sysfs attribute's text: open, read, close on callbacks. Why not
// fs/promises' readFile: it makes a FileHandle, an fstat and a second read
// to find the end, each a promise round trip through libuv's pool; a run's
// passes read a few hundred attributes, and under the real kernel those
// passes are CPU-bound (bench/RESULTS.md 0g: ~160 us a file against ~100).
// Reads stay on the pool, not in place: some attributes (sriov_numvfs)
// take the device's lock, which a probe or a count write holds for seconds.
// A kernfs attribute gives its whole show() text, at most a page, in one
// read(2); a read shorter than the buffer is the end, as it is for a
// regular file (the tests' trees). A longer text is read on until a read
// returns nothing.
import { close, open, read } from 'node:fs';

const CHUNK = 4096;

export function readAttribute(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    open(path, 'r', (openError, fd) => {
      if (openError) return reject(openError);
      const chunks: Buffer[] = [];
      const finish = (error: Error | null): void =>
        close(fd, (closeError) => {
          const failed = error ?? closeError;
          if (failed) reject(failed);
          else resolve(Buffer.concat(chunks).toString('utf8'));
        });
      const next = (): void => {
        const buffer = Buffer.allocUnsafe(CHUNK);
        read(fd, buffer, 0, CHUNK, null, (readError, n) => {
          if (readError) return finish(readError);
          if (n > 0) chunks.push(buffer.subarray(0, n));
          if (n < CHUNK) finish(null);
          else next();
        });
      };
      next();
    });
  });
}
