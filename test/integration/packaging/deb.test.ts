// `make deb`, then the package installed, removed and purged by the real
// dpkg in a throw-away root (dpkg --root: it chroots there to run the
// maintainer scripts), never in this machine's root. The root holds a shell,
// rm, rmdir and recording stand-ins for systemctl, udevadm, journalctl and
// init-system-helpers' deb-systemd-helper and deb-systemd-invoke, with
// /run/systemd/system and /run/udev present as on a running system. What
// those tools really do is checked in the real-kernel guest
// (test/e2e/package.test.ts).
// gzip instead of xz only to build faster: the contents are what is tested.
import { execFile } from 'node:child_process';
import { chmod, copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorktree, make } from './worktree.js';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';

const run = promisify(execFile);
let work = '';
let deb = '';
let root = '';

const STAND_IN = '#!/bin/sh\necho "${0##*/} $*" >> /calls\n';

/** Every path under dir (files and directories) but dpkg's own database. */
async function snapshot(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .filter((p) => !p.startsWith('var/lib/dpkg'))
    .sort();
}

async function dpkg(args: string[]): Promise<string> {
  const { stdout, stderr } = await run('dpkg', [`--root=${root}`, ...args], {
    env: { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin' },
  });
  return stdout + stderr;
}

async function calls(): Promise<string[]> {
  const text = await readFile(join(root, 'calls'), 'utf8');
  await writeFile(join(root, 'calls'), '');
  return text.split('\n').filter((l) => l !== '');
}

/** A root in which dpkg can run maintainer scripts: dash as /bin/sh, rm, rmdir and their libraries. */
async function makeRoot(dir: string): Promise<void> {
  for (const d of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'bin', 'usr/bin', 'dev', 'run/systemd/system', 'run/udev']) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await mkdir(join(dir, 'etc/systemd/system/multi-user.target.wants'), { recursive: true });
  for (const f of ['var/lib/dpkg/status', 'var/lib/dpkg/available', 'calls', 'dev/null']) await writeFile(join(dir, f), '');
  const tools: Record<string, string> = { '/bin/sh': '/bin/dash', '/bin/rm': '/bin/rm', '/bin/rmdir': '/bin/rmdir' };
  for (const [inRoot, host] of Object.entries(tools)) await copyFile(host, join(dir, inRoot));
  const { stdout } = await run('ldd', Object.values(tools));
  for (const lib of new Set(stdout.match(/\/\S+\.so[.\d]*/g) ?? [])) {
    await mkdir(join(dir, dirname(lib)), { recursive: true });
    await copyFile(lib, join(dir, lib));
  }
  for (const tool of ['systemctl', 'udevadm', 'journalctl', 'deb-systemd-helper', 'deb-systemd-invoke']) {
    await writeFile(join(dir, 'usr/bin', tool), STAND_IN);
    await chmod(join(dir, 'usr/bin', tool), 0o755);
  }
}

beforeAll(async () => {
  work = await copyWorktree();
  await make(work, ['deb', 'DPKG_DEB_FLAGS=-Zgzip -z1']);
  const debs = (await readdir(work)).filter((f) => f.endsWith('.deb'));
  expect(debs).toHaveLength(1);
  deb = join(work, debs[0] ?? '');
  root = join(work, 'throwaway-root');
  await makeRoot(root);
}, 600_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('make deb', () => {
  it('describes the package: version, dependencies (no nodejs), conffile', async () => {
    const field = async (name: string) => (await run('dpkg-deb', ['-f', deb, name])).stdout.trim();
    const version = (JSON.parse(await readFile(join(work, 'package.json'), 'utf8')) as { version: string }).version;
    expect(await field('Package')).toBe('vfkeeper');
    expect(await field('Version')).toBe(version);
    const depends = (await field('Depends')).split(/,\s*/).map((d) => d.split(' ')[0]);
    expect(depends).toEqual(expect.arrayContaining(['libc6', 'libsystemd0', 'udev', 'iproute2', 'ethtool', 'kmod']));
    expect(depends).not.toContain('nodejs');
    const control = await mkdir(join(work, 'control'), { recursive: true }).then(() => join(work, 'control'));
    await run('dpkg-deb', ['--control', deb, control]);
    expect(await readFile(join(control, 'conffiles'), 'utf8')).toBe('/etc/vfkeeper/vfkeeper.yaml\n');
  });

  it('ships every file owned by root', async () => {
    const { stdout } = await run('dpkg-deb', ['--contents', deb], { maxBuffer: 64 * 1024 * 1024 });
    const lines = stdout.split('\n').filter((l) => l !== '');
    expect(lines.filter((l) => !l.includes(' root/root '))).toEqual([]);
    for (const path of [
      './usr/bin/vfkeeper',
      './usr/lib/vfkeeper/node',
      './lib/systemd/system/vfkeeper.service',
      './lib/udev/rules.d/70-vfkeeper.rules',
      './usr/lib/modules-load.d/vfkeeper.conf',
      './usr/lib/NetworkManager/dispatcher.d/90-vfkeeper',
      './usr/lib/networkd-dispatcher/routable.d/90-vfkeeper',
      './usr/lib/networkd-dispatcher/configured.d/90-vfkeeper',
      './etc/vfkeeper/vfkeeper.yaml',
      './usr/share/man/man8/vfkeeper.8.gz',
      './usr/share/bash-completion/completions/vfkeeper',
      './usr/share/doc/vfkeeper/copyright',
      './usr/share/doc/vfkeeper/changelog.gz',
    ]) {
      expect(
        lines.some((l) => l.endsWith(` ${path}`)),
        path,
      ).toBe(true);
    }
  });
});

const isRoot = process.getuid?.() === 0;
describe.skipIf(skipWhenMissing(isRoot))(
  `the .deb in a throw-away root${isRoot ? '' : ' (skipped: dpkg --root chroots, which needs root)'}`,
  () => {
    let baseline: string[] = [];

    it('installs: enables and starts the unit as dh_installsystemd does, after reloading udev and systemd', async () => {
      assertPresent(isRoot, 'root');
      baseline = await snapshot(root);
      // The root has no libc6 or udev packages to satisfy Depends.
      await dpkg(['--force-depends', '--install', deb]);
      expect(await dpkg(['--status', 'vfkeeper'])).toContain('Status: install ok installed');
      const installed = await snapshot(root);
      for (const path of [
        'usr/bin/vfkeeper',
        'lib/systemd/system/vfkeeper.service',
        'etc/vfkeeper/vfkeeper.yaml',
        'usr/share/doc/vfkeeper/changelog.gz',
      ]) {
        expect(installed).toContain(path);
      }
      // The catalog is systemd's dpkg trigger's business, not a script's.
      expect(await calls()).toEqual([
        'deb-systemd-helper unmask vfkeeper.service',
        'deb-systemd-helper --quiet was-enabled vfkeeper.service',
        'deb-systemd-helper enable vfkeeper.service',
        'udevadm control --reload',
        'systemctl --system daemon-reload',
        'deb-systemd-invoke start vfkeeper.service',
      ]);
    });

    it('on an upgrade keeps the daemon running until the new files are in, then restarts it', async () => {
      await dpkg(['--force-depends', '--install', deb]);
      expect(await calls()).toEqual([
        'deb-systemd-helper unmask vfkeeper.service',
        'deb-systemd-helper --quiet was-enabled vfkeeper.service',
        'deb-systemd-helper enable vfkeeper.service',
        'udevadm control --reload',
        'systemctl --system daemon-reload',
        'deb-systemd-invoke restart vfkeeper.service',
      ]);
    });

    it('on removal stops the daemon and masks the unit, and keeps the configuration and state', async () => {
      await writeFile(join(root, 'etc/vfkeeper/vfkeeper.yaml'), 'relays: auto\n');
      await mkdir(join(root, 'var/lib/vfkeeper'), { recursive: true });
      await writeFile(join(root, 'var/lib/vfkeeper/state.json'), '{}\n');
      await dpkg(['--remove', 'vfkeeper']);
      expect(await calls()).toEqual([
        'deb-systemd-invoke stop vfkeeper.service',
        'deb-systemd-helper mask vfkeeper.service',
        'systemctl --system daemon-reload',
        'udevadm control --reload',
      ]);
      const left = await snapshot(root);
      expect(left).not.toContain('usr/bin/vfkeeper');
      expect(left).toContain('var/lib/vfkeeper/state.json');
      expect(await readFile(join(root, 'etc/vfkeeper/vfkeeper.yaml'), 'utf8')).toBe('relays: auto\n');
    });

    it('on purge forgets the enablement and leaves nothing behind', async () => {
      await dpkg(['--purge', 'vfkeeper']);
      expect(await calls()).toEqual([
        'deb-systemd-helper purge vfkeeper.service',
        'deb-systemd-helper unmask vfkeeper.service',
        'systemctl --system daemon-reload',
        'udevadm control --reload',
      ]);
      expect(await snapshot(root)).toEqual(baseline);
      const info = await readdir(join(root, 'var/lib/dpkg/info'));
      expect(info.filter((f) => f.startsWith('vfkeeper.'))).toEqual([]);
    });

    it('leaves nothing behind either when purged straight after installing', async () => {
      await dpkg(['--force-depends', '--install', deb]);
      await dpkg(['--purge', 'vfkeeper']);
      expect(await snapshot(root)).toEqual(baseline);
    });
  },
);
