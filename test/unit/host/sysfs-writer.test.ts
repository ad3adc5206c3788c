// The sysfs writer, with its share of libuv's pool then threads (the
// daemon's) and with child processes (a one-off command's): writes land,
// errors keep their errno, a write does not hold up the next, and hung
// writes are bounded.
import { closeSync, readFileSync, readSync, readdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SysfsWriter, poolWriteShare, type WriterUnit } from '../../../src/host/real/sysfs-writer.js';
import { fullFifo } from '../../helpers/full-fifo.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let t: TempDir;
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  t.remove();
});

describe.each<[WriterUnit, number]>([
  ['thread', 0],
  ['process', 0],
  ['thread', 2],
])('SysfsWriter (%s, %i writes on the pool)', (kind, poolWrites) => {
  it('writes a value, and a missing attribute is ENOENT (no file created)', async () => {
    t = tempDir('vfkw-');
    const w = new SysfsWriter(kind, { poolWrites });
    writeFileSync(t.path('sriov_numvfs'), '0\n');
    await w.write(t.path('sriov_numvfs'), '8\n');
    expect(readFileSync(t.path('sriov_numvfs'), 'utf8')).toBe('8\n');
    await expect(w.write(t.path('absent'), '1\n')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a write at once with EAGAIN when 16 are hung, and the hung ones land once the pipe is read', async () => {
    t = tempDir('vfkw-');
    const w = new SysfsWriter(kind, { poolWrites });
    fullFifo(t.path('unbind'), fds);
    const hung = Array.from({ length: 16 }, () => w.write(t.path('unbind'), '0000:02:08.0\n'));
    for (const h of hung) h.catch(() => undefined);
    await expect(w.write(t.path('unbind'), 'x\n')).rejects.toMatchObject({ code: 'EAGAIN' });
    // The reader drains the pipe until every hung write has returned.
    const reader = fds[0] ?? -1;
    const drain = setInterval(() => {
      try {
        readSync(reader, Buffer.alloc(65536));
      } catch {
        // EAGAIN: empty for now
      }
    }, 5);
    const results = await Promise.allSettled(hung);
    clearInterval(drain);
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 16 }, () => 'fulfilled'));
  });
});

/** This process's thread ids: a worker thread started in between shows as a new one. */
const threads = (): Set<string> => new Set(readdirSync('/proc/self/task'));
const started = (before: Set<string>): string[] => [...threads()].filter((tid) => !before.has(tid));

describe("SysfsWriter's share of libuv's pool", () => {
  it('is the pool size (UV_THREADPOOL_SIZE, else 4) less the two threads kept for everything else', () => {
    expect([{}, { UV_THREADPOOL_SIZE: '8' }, { UV_THREADPOOL_SIZE: '2' }, { UV_THREADPOOL_SIZE: '1' }].map(poolWriteShare)).toEqual([
      2, 6, 0, 0,
    ]);
    expect([{ UV_THREADPOOL_SIZE: 'many' }, { UV_THREADPOOL_SIZE: '0' }, { UV_THREADPOOL_SIZE: '5000' }].map(poolWriteShare)).toEqual([
      2, 2, 1022,
    ]);
  });

  it('writes within its share start no thread; once hung writes hold the share, the next ones run in threads and land', async () => {
    t = tempDir('vfkw-');
    const w = new SysfsWriter('thread', { poolWrites: 2 });
    for (const name of ['a', 'b', 'c', 'd']) writeFileSync(t.path(name), '0\n');
    const before = threads();
    await Promise.all([w.write(t.path('a'), '1\n'), w.write(t.path('b'), '1\n')]);
    expect(started(before)).toEqual([]);

    fullFifo(t.path('unbind'), fds);
    const hung = [w.write(t.path('unbind'), 'x\n'), w.write(t.path('unbind'), 'y\n')];
    for (const h of hung) h.catch(() => undefined);
    await w.write(t.path('c'), '2\n');
    await w.write(t.path('d'), '2\n');
    expect([readFileSync(t.path('c'), 'utf8'), readFileSync(t.path('d'), 'utf8')]).toEqual(['2\n', '2\n']);
    expect(started(before).length).toBeGreaterThan(0);
    // Closing the only reader ends the hung writes (EPIPE): the pool's threads return.
    for (const fd of fds.splice(0)) closeSync(fd);
    const ended = await Promise.allSettled(hung);
    expect(ended.map((r) => r.status === 'rejected' && (r.reason as { code?: string }).code)).toEqual(['EPIPE', 'EPIPE']);
  });
});
