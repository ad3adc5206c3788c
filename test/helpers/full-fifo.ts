// A FIFO whose pipe is full, with a reader that never reads: a write(2) to
// it blocks in the kernel, as a driver's sysfs attribute can. The reader's
// descriptor is kept in `fds`; closing it ends every blocked write (EPIPE).
import { spawnSync } from 'node:child_process';
import { constants, openSync, writeSync } from 'node:fs';

export function fullFifo(path: string, fds: number[]): void {
  const made = spawnSync('mkfifo', [path]);
  if (made.status !== 0) throw new Error(`mkfifo ${path} failed: ${String(made.stderr)}`);
  const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
  fds.push(fd);
  const chunk = Buffer.alloc(4096);
  for (;;) {
    try {
      writeSync(fd, chunk);
    } catch {
      return; // EAGAIN: full
    }
  }
}
