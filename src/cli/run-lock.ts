// One writer at a time when no daemon runs: two hooks firing together must
// never interleave sysfs writes. A lock file holding the owner's pid; a
// lock whose owner is gone is stale and taken over.
import { mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { VfkeeperError } from '../model/errors.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

async function tryTake(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'wx', 0o600);
    await fh.write(`${process.pid}\n`);
    await fh.close();
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(owner) && owner > 0 && alive(owner)) return false;
    await unlink(path).catch(() => undefined);
    return false;
  }
}

export async function withRunLock<T>(path: string, work: () => Promise<T>, deadlineMs = 120_000): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const until = Date.now() + deadlineMs;
  while (!(await tryTake(path))) {
    if (Date.now() > until)
      throw new VfkeeperError('ERR_LOCKED', `Another vfkeeper has held ${path} for ${deadlineMs} ms`, {
        path,
        hint: 'see which process: cat the lock file',
      });
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    return await work();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
