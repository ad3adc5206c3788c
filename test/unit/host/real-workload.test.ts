// The real workload adapter over a /proc-shaped tree: which processes hold
// which /dev/vfio/<group> open, as the guard and `status` name them.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealWorkload } from '../../../src/host/real/workload.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let t: TempDir;
beforeEach(() => (t = tempDir('vfk-proc-')));
afterEach(() => t.remove());

function proc(pid: string, comm: string | null, fds: Record<string, string>): void {
  mkdirSync(join(t.path(pid), 'fd'), { recursive: true });
  if (comm !== null) writeFileSync(join(t.path(pid), 'comm'), `${comm}\n`);
  for (const [fd, target] of Object.entries(fds)) symlinkSync(target, join(t.path(pid), 'fd', fd));
}

describe('openVfioGroups', () => {
  it('names each holder of each group once, and ignores the container, other files and non-processes', async () => {
    proc('100', 'qemu-system-x86', { '0': '/dev/null', '31': '/dev/vfio/vfio', '32': '/dev/vfio/12', '33': '/dev/vfio/12' });
    proc('102', 'dpdk-testpmd', { '5': '/dev/vfio/12', '6': '/dev/vfio/13' });
    proc('103', 'bash', { '0': '/dev/pts/0', '1': 'socket:[1234]' });
    mkdirSync(t.path('104')); // a process that went away: no fd directory any more
    proc('self', 'node', { '9': '/dev/vfio/14' });
    const groups = await createRealWorkload(t.path('.')).openVfioGroups();
    expect(Object.fromEntries(groups)).toEqual({ '12': ['qemu-system-x86[100]', 'dpdk-testpmd[102]'], '13': ['dpdk-testpmd[102]'] });
  });

  it('a process whose name cannot be read is still a holder', async () => {
    proc('200', null, { '3': '/dev/vfio/7' });
    expect(Object.fromEntries(await createRealWorkload(t.path('.')).openVfioGroups())).toEqual({ '7': ['?[200]'] });
  });

  it('fails the whole scan, naming the path and errno, when a process cannot be read: unknown is never "nobody"', async () => {
    proc('300', 'qemu-system-x86', { '3': '/dev/vfio/9' });
    // A process whose fd directory is not a directory (ENOTDIR): neither gone nor readable.
    mkdirSync(t.path('301'));
    writeFileSync(join(t.path('301'), 'fd'), '');
    await expect(createRealWorkload(t.path('.')).openVfioGroups()).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_SCAN',
      context: { errno: 'ENOTDIR', path: join(t.path('301'), 'fd') },
    });
  });

  it('fails when /proc itself cannot be read', async () => {
    await expect(createRealWorkload(t.path('no-proc')).openVfioGroups()).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_SCAN',
      context: { errno: 'ENOENT' },
    });
  });
});
