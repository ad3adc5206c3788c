// The file source on temporary directories: real inotify through fs.watch.
// Conditions are waited for with a deadline.
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileWatcher, configWatchTarget, type WatchTarget } from '../../src/events/files.js';
import type { WakeEvent } from '../../src/events/types.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { listenStream } from '../helpers/stale-socket.js';
import { waitFor } from '../helpers/wait-for.js';

let root: string;
let watcher: FileWatcher | null;
let servers: Server[];
let events: WakeEvent[];
let logger: MemoryLogger;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vfkeeper-files-'));
  watcher = null;
  servers = [];
  events = [];
  logger = new MemoryLogger();
});
afterEach(async () => {
  await watcher?.stop();
  for (const s of servers) s.close();
  rmSync(root, { recursive: true, force: true });
});

async function watch(targets: WatchTarget[]): Promise<FileWatcher> {
  watcher = new FileWatcher({ targets, logger, onEvent: (e) => events.push(e) });
  await watcher.start();
  return watcher;
}

async function listen(path: string): Promise<void> {
  servers.push(await listenStream(path));
}

const seen = (kind: string, path: string) => () => events.some((e) => e.source === 'file' && e.kind === kind && e.path === path);

describe('FileWatcher', () => {
  it('reports the config file and conf.d/, and nothing else in the config directory', async () => {
    const etc = join(root, 'etc/vfkeeper');
    mkdirSync(join(etc, 'conf.d'), { recursive: true });
    const file = join(etc, 'vfkeeper.yaml');
    writeFileSync(file, 'pfs: []\n');
    await watch([configWatchTarget(file)]);
    writeFileSync(join(etc, 'notes.txt'), 'not configuration\n');
    writeFileSync(join(etc, 'conf.d/10-relays.yaml'), 'relays: auto\n');
    await waitFor(seen('config', join(etc, 'conf.d/10-relays.yaml')), 'the conf.d event');
    writeFileSync(file, 'pfs: [{ match: { netdev: enp2s0np0 } }]\n');
    await waitFor(seen('config', file), 'the config file event');
    expect(events.map((e) => e.source === 'file' && e.path)).not.toContain(join(etc, 'notes.txt'));
    expect(logger.entries).toEqual([]);
  });

  it('reports firmware link changes and new vhost-user sockets', async () => {
    const firmware = join(root, 'lib/firmware/netronome');
    const sockets = join(root, 'tmp/virtio-forwarder');
    mkdirSync(firmware, { recursive: true });
    mkdirSync(sockets, { recursive: true });
    writeFileSync(join(firmware, 'nic-sriov.nffw'), 'fw');
    await watch([
      { kind: 'firmware', dir: firmware },
      { kind: 'sockets', dir: sockets },
    ]);
    symlinkSync('nic-sriov.nffw', join(firmware, 'nic_AMDA0099-0001_2x25.nffw'));
    await listen(join(sockets, 'virtio-forwarder1.sock'));
    await waitFor(seen('firmware', join(firmware, 'nic_AMDA0099-0001_2x25.nffw')), 'the firmware link event');
    await waitFor(seen('sockets', join(sockets, 'virtio-forwarder1.sock')), 'the socket event');
    expect(
      events.every((e) => e.source === 'file' && (e.kind === 'firmware' ? e.path.startsWith(firmware) : e.path.startsWith(sockets))),
    ).toBe(true);
  });

  it('waits for a directory that does not exist yet, follows it when it goes and comes back', async () => {
    const sockets = join(root, 'run/forwarder/sockets');
    await watch([{ kind: 'sockets', dir: sockets }]);
    expect(events).toEqual([]);
    mkdirSync(sockets, { recursive: true });
    await waitFor(seen('sockets', sockets), 'the directory appearing');
    await listen(join(sockets, 'a.sock'));
    await waitFor(seen('sockets', join(sockets, 'a.sock')), 'a socket in the new directory');

    events.length = 0;
    for (const s of servers.splice(0)) s.close();
    rmSync(join(root, 'run'), { recursive: true });
    await waitFor(seen('sockets', sockets), 'the directory going');
    mkdirSync(sockets, { recursive: true });
    await waitFor(() => events.filter((e) => e.source === 'file' && e.path === sockets).length >= 2, 'the directory coming back');
    await listen(join(sockets, 'b.sock'));
    await waitFor(seen('sockets', join(sockets, 'b.sock')), 'a socket in the re-created directory');
    expect(logger.entries).toEqual([]);
  });

  it('reports a directory it cannot read (a link loop: ELOOP) instead of waiting on it as if it were absent', async () => {
    const sockets = join(root, 'run/virtio-forwarder');
    mkdirSync(join(root, 'run'));
    symlinkSync('virtio-forwarder', sockets);
    await watch([{ kind: 'sockets', dir: sockets }]);
    expect(logger.entries.map((e) => [e.priority, e.message])).toEqual([
      [4, expect.stringMatching(/^cannot watch .*run\/virtio-forwarder \(.*ELOOP.*\), retrying in 30 s$/)],
    ]);
  });

  it('climbs up when the ancestor it waits in goes away, and still sees the directory appear', async () => {
    const parent = join(root, 'lib/firmware');
    const firmware = join(parent, 'netronome');
    mkdirSync(parent, { recursive: true });
    await watch([{ kind: 'firmware', dir: firmware }]);
    rmSync(join(root, 'lib'), { recursive: true });
    mkdirSync(firmware, { recursive: true });
    await waitFor(seen('firmware', firmware), 'the directory appearing under a re-created parent');
    symlinkSync('x', join(firmware, 'nic_AMDA0099.nffw'));
    await waitFor(seen('firmware', join(firmware, 'nic_AMDA0099.nffw')), 'a link in it');
  });

  it('watches a directory made under a watched one, with what was put in it before its watch', async () => {
    const etc = join(root, 'etc/vfkeeper');
    mkdirSync(etc, { recursive: true });
    const file = join(etc, 'vfkeeper.yaml');
    writeFileSync(file, 'pfs: []\n');
    await watch([configWatchTarget(file)]);
    // conf.d/ and its first file in one go: the file may come before conf.d's watch.
    mkdirSync(join(etc, 'conf.d/site'), { recursive: true });
    writeFileSync(join(etc, 'conf.d/site/10-first.yaml'), 'relays: auto\n');
    await waitFor(seen('config', join(etc, 'conf.d')), 'conf.d appearing');
    await waitFor(
      () =>
        events.some(
          (e) => e.source === 'file' && (e.path === join(etc, 'conf.d/site') || e.path === join(etc, 'conf.d/site/10-first.yaml')),
        ),
      'the nested directory or its first file',
    );
    writeFileSync(join(etc, 'conf.d/site/20-later.yaml'), 'relays: auto\n');
    await waitFor(seen('config', join(etc, 'conf.d/site/20-later.yaml')), 'a file written later in the nested directory');
    // Moved away and back: the same directory, watched again under its name.
    renameSync(join(etc, 'conf.d'), join(etc, 'conf.d.old'));
    renameSync(join(etc, 'conf.d.old'), join(etc, 'conf.d'));
    events.length = 0;
    writeFileSync(join(etc, 'conf.d/site/30-back.yaml'), 'relays: auto\n');
    await waitFor(seen('config', join(etc, 'conf.d/site/30-back.yaml')), 'a file in the directory moved back');
    expect(logger.entries).toEqual([]);
  });

  it('starts no thread of its own: inotify is read on the event loop, which sleeps while nothing changes', async () => {
    const dir = join(root, 'sockets');
    mkdirSync(dir);
    // libuv's pool starts its threads on first use: use it before counting.
    await readdir(root);
    const threads = readdirSync('/proc/self/task').length;
    await watch([
      { kind: 'sockets', dir },
      configWatchTarget(join(root, 'etc/vfkeeper.yaml')),
      { kind: 'firmware', dir: join(root, 'fw') },
    ]);
    writeFileSync(join(dir, 'x'), '');
    await waitFor(seen('sockets', join(dir, 'x')), 'an event');
    expect(readdirSync('/proc/self/task').length).toBe(threads);
  });

  it('reports nothing after stop()', async () => {
    const dir = join(root, 'fw');
    mkdirSync(dir);
    const w = await watch([{ kind: 'firmware', dir }]);
    writeFileSync(join(dir, 'before'), '');
    await waitFor(seen('firmware', join(dir, 'before')), 'the event before stop');
    await w.stop();
    const count = events.length;
    writeFileSync(join(dir, 'after'), '');
    mkdirSync(join(root, 'later'));
    // A negative can only be shown by waiting; this is well beyond inotify's delivery.
    await new Promise((r) => setTimeout(r, 300));
    expect(events.length).toBe(count);
  });
});
