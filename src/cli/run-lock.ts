// One writer at a time when no daemon runs: two hooks firing together must
// never interleave sysfs writes. A lock file holding the owner's pid; a
// lock whose owner is gone is stale and taken over.
// Invariants: the lock file appears with its pid already in it (written to
// a private file, then link(2)ed into place, which fails if one exists), so
// no contender ever reads a lock half-written and takes it for stale; a
// lock that cannot be read (not ENOENT) is an error, never "free".
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errnoOf, ifAbsent } from '../model/errno.js';
import { VfkeeperError } from '../model/errors.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
};

async function tryTake(path: string): Promise<boolean> {
  const mine = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
  try {
    await link(mine, path);
    return true;
  } catch (e) {
    if (errnoOf(e) !== 'EEXIST') throw e;
  } finally {
    await ifAbsent(() => unlink(mine), undefined);
  }
  // Held: by a live process, or left by one that died. Gone meanwhile (null): try again.
  const text = await ifAbsent(() => readFile(path, 'utf8'), null);
  if (text === null) return false;
  const owner = Number(text.trim());
  if (Number.isInteger(owner) && owner > 0 && alive(owner)) return false;
  await ifAbsent(() => unlink(path), undefined);
  return false;
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
    await ifAbsent(() => unlink(path), undefined);
  }
}

/** Beside the simulated host's file, else beside the control socket (/run/vfkeeper). */
export function lockPathFor(globals: { simulate: string | undefined; controlSocket: string }): string {
  return globals.simulate !== undefined ? `${globals.simulate}.lock` : `${dirname(globals.controlSocket)}/vfkeeper.lock`;
}
