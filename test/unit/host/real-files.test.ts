// The real Files adapter on real files: the forwarder's socket directory as
// the core reads it (the directory, then its sockets in name order), and
// owner names resolved from passwd/group files, else through getent (and
// again on each call for one that does not exist).
import { mkdir, lstat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealFiles } from '../../../src/host/real/files.js';
import { listenStream } from '../../helpers/stale-socket.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let tmp: TempDir;
const servers: net.Server[] = [];

beforeEach(() => {
  tmp = tempDir('vfk-files-');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  tmp.remove();
});

const listen = async (p: string): Promise<void> => {
  servers.push(await listenStream(p));
};

describe('listSockets', () => {
  it('lists the directory first, then only its sockets, in name order, with their owners', async () => {
    const dir = path.join(tmp.dir, 'sockets');
    await mkdir(dir);
    for (const name of ['virtio-forwarder2.sock', 'virtio-forwarder10.sock', 'virtio-forwarder1.sock']) await listen(path.join(dir, name));
    await writeFile(path.join(dir, 'not-a-socket'), 'x');
    await mkdir(path.join(dir, 'subdir'));
    const st = await lstat(dir);
    const entries = await createRealFiles().listSockets(dir);
    expect(entries.map((e) => path.basename(e.path))).toEqual([
      'sockets',
      'virtio-forwarder1.sock',
      'virtio-forwarder10.sock',
      'virtio-forwarder2.sock',
    ]);
    expect(entries.every((e) => e.uid === st.uid && e.gid === st.gid)).toBe(true);
  });

  it('is empty for a directory that does not exist', async () => {
    expect(await createRealFiles().listSockets(path.join(tmp.dir, 'absent'))).toEqual([]);
  });
});

describe('resolveOwner', () => {
  it('resolves names through getent, the same on a second call, and takes numbers as they are', async () => {
    const files = createRealFiles();
    expect(await files.resolveOwner('root:root')).toEqual({ uid: 0, gid: 0 });
    expect(await files.resolveOwner('root:root')).toEqual({ uid: 0, gid: 0 });
    expect(await files.resolveOwner('4242:4243')).toEqual({ uid: 4242, gid: 4243 });
  });

  it('takes a name from the passwd and group files without asking getent, and asks getent for one they lack', async () => {
    const etc = tmp.path('etc');
    await mkdir(etc);
    // A name getent cannot know: only the file can answer it.
    await writeFile(path.join(etc, 'passwd'), '# comment\nvfk-file-only:x:4100:4100::/nonexistent:/usr/sbin/nologin\n');
    await writeFile(path.join(etc, 'group'), 'vfk-file-group:x:4200:\n');
    const files = createRealFiles({ etcDir: etc });
    expect(await files.resolveOwner('vfk-file-only:vfk-file-group')).toEqual({ uid: 4100, gid: 4200 });
    // root is in neither file: getent answers.
    expect(await files.resolveOwner('root:root')).toEqual({ uid: 0, gid: 0 });
  });

  it('refuses an unknown user every time it is asked, naming it', async () => {
    const files = createRealFiles();
    for (let i = 0; i < 2; i++) {
      await expect(files.resolveOwner('no-such-user-vfk:root')).rejects.toMatchObject({
        code: 'ERR_NO_SUCH_USER',
        message: expect.stringContaining('no-such-user-vfk'),
      });
    }
  });
});
