// The sysfs writer, with threads (the daemon's) and child processes (a
// one-off command's): writes land, errors keep their errno, a write does not
// hold up the next, and hung writes are bounded.
import { closeSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SysfsWriter, type WriterUnit } from '../../../src/host/real/sysfs-writer.js';
import { fullFifo } from '../../helpers/full-fifo.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let t: TempDir;
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  t.remove();
});

describe.each<WriterUnit>(['thread', 'process'])('SysfsWriter (%s)', (kind) => {
  it('writes a value, and a missing attribute is ENOENT (no file created)', async () => {
    t = tempDir('vfkw-');
    const w = new SysfsWriter(kind);
    writeFileSync(t.path('sriov_numvfs'), '0\n');
    await w.write(t.path('sriov_numvfs'), '8\n');
    expect(readFileSync(t.path('sriov_numvfs'), 'utf8')).toBe('8\n');
    await expect(w.write(t.path('absent'), '1\n')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a write at once with EAGAIN when 16 are hung, and the hung ones land once the pipe is read', async () => {
    t = tempDir('vfkw-');
    const w = new SysfsWriter(kind);
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
