// The run lock that keeps hooks and CLI runs from interleaving sysfs writes
// when no daemon runs: on real files, with real processes as owners.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withRunLock } from '../../../src/cli/run-lock.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let t: TempDir;
beforeEach(() => (t = tempDir('vfk-lock-')));
afterEach(() => t.remove());

/** A pid no process has any more: a child that has exited and been reaped. */
const deadPid = (): number =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('withRunLock', () => {
  it('lets one holder in at a time, the lock already naming its owner when it appears', async () => {
    const path = t.path('vfkeeper.lock');
    const log: string[] = [];
    const hold = (name: string) =>
      withRunLock(path, async () => {
        log.push(`in ${name}`);
        expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
        await new Promise((r) => setTimeout(r, 30));
        log.push(`out ${name}`);
      });
    await Promise.all([hold('a'), hold('b'), hold('c')]);
    expect(log).toHaveLength(6);
    for (let i = 0; i < 6; i += 2) expect(log[i + 1]).toBe(log[i]?.replace('in', 'out'));
  });

  it('takes over a lock left by a process that died', async () => {
    const path = t.path('vfkeeper.lock');
    writeFileSync(path, `${deadPid()}\n`);
    expect(await withRunLock(path, async () => 'ran', 2000)).toBe('ran');
  });

  it('waits for a live owner, then says who holds it', async () => {
    const path = t.path('vfkeeper.lock');
    writeFileSync(path, `${process.ppid}\n`);
    await expect(withRunLock(path, async () => 'ran', 200)).rejects.toMatchObject({ code: 'ERR_LOCKED', context: { path } });
  });

  it('fails, rather than taking it, when the lock cannot be read', async () => {
    const path = t.path('vfkeeper.lock');
    mkdirSync(path);
    await expect(withRunLock(path, async () => 'ran', 2000)).rejects.toMatchObject({ code: 'EISDIR' });
  });
});
