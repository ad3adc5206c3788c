// `make install` / `make uninstall` into a DESTDIR, in a copy of the
// worktree: every file where Debian 12 expects it, the unit accepted by
// `systemd-analyze verify` in that root, the bundled runtime loading the
// native bindings. Never the machine's real root: DESTDIR is always set,
// so the install also skips the reloads of the running system.
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access, cp, lstat, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyWorktree, make } from './worktree.js';
import { parseExposure } from './systemd-analyze.js';

const run = promisify(execFile);
let work = '';
let root = '';

async function mode(path: string): Promise<string> {
  return ((await stat(path)).mode & 0o7777).toString(8);
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

/** Every file (not directory) under dir, relative to it. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

beforeAll(async () => {
  work = await copyWorktree();
  root = join(work, 'destdir');
  await make(work, ['install', 'PREFIX=/usr', `DESTDIR=${root}`]);
}, 600_000);

afterAll(async () => {
  if (work !== '') await rm(work, { recursive: true, force: true });
});

describe('make install PREFIX=/usr DESTDIR=...', () => {
  it.each([
    ['usr/bin/vfkeeper', '755'],
    ['usr/lib/vfkeeper/node', '755'],
    ['usr/lib/vfkeeper/package.json', '644'],
    ['usr/lib/vfkeeper/dist/bundle/main.js', '755'],
    ['lib/systemd/system/vfkeeper.service', '644'],
    ['lib/udev/rules.d/70-vfkeeper.rules', '644'],
    ['usr/lib/modules-load.d/vfkeeper.conf', '644'],
    ['usr/lib/NetworkManager/dispatcher.d/90-vfkeeper', '755'],
    ['usr/lib/networkd-dispatcher/routable.d/90-vfkeeper', '755'],
    ['usr/lib/networkd-dispatcher/configured.d/90-vfkeeper', '755'],
    ['etc/vfkeeper/vfkeeper.yaml', '644'],
    ['usr/share/man/man8/vfkeeper.8', '644'],
    ['usr/share/bash-completion/completions/vfkeeper', '644'],
  ])('installs %s with mode %s', async (path, expected) => {
    expect(await mode(join(root, path))).toBe(expected);
  });

  it('installs the shipped files unchanged', async () => {
    for (const [installed, source] of [
      ['lib/udev/rules.d/70-vfkeeper.rules', 'udev-rules/70-vfkeeper.rules'],
      ['lib/systemd/system/vfkeeper.service', 'units/vfkeeper.service'],
      ['usr/lib/modules-load.d/vfkeeper.conf', 'modules-load.d/vfkeeper.conf'],
      ['usr/lib/NetworkManager/dispatcher.d/90-vfkeeper', 'hooks/networkmanager-dispatcher'],
      ['usr/lib/networkd-dispatcher/routable.d/90-vfkeeper', 'hooks/networkd-dispatcher'],
      ['etc/vfkeeper/vfkeeper.yaml', 'etc/vfkeeper.yaml'],
      ['usr/share/man/man8/vfkeeper.8', 'man/vfkeeper.8'],
    ] as const) {
      expect(await readFile(join(root, installed), 'utf8'), installed).toBe(await readFile(join(work, source), 'utf8'));
    }
    expect(await readFile(join(root, 'lib/systemd/system/vfkeeper.service'), 'utf8')).toContain('\nExecStart=/usr/bin/vfkeeper daemon\n');
    expect((await readFile(join(root, 'usr/lib/modules-load.d/vfkeeper.conf'), 'utf8')).split('\n')).toContain('vfio-pci');
  });

  it('installs the catalog exactly when units/vfkeeper.catalog exists', async () => {
    const shipped = await exists(join(work, 'units/vfkeeper.catalog'));
    expect(await exists(join(root, 'usr/lib/systemd/catalog/vfkeeper.catalog'))).toBe(shipped);
  });

  it('runs the application on the runtime installed beside it', async () => {
    const wrapper = await readFile(join(root, 'usr/bin/vfkeeper'), 'utf8');
    expect(wrapper).toMatch(/^#!\/bin\/sh\n/);
    expect(wrapper).toContain('exec "/usr/lib/vfkeeper/node" "/usr/lib/vfkeeper/dist/bundle/main.js" "$@"\n');
    // The installed vfkeeper is the one allowed to write the real /sys.
    expect(wrapper).toContain('\nVFKEEPER_ALLOW_REAL_SYSFS=1\nexport VFKEEPER_ALLOW_REAL_SYSFS\n');
    const app = join(root, 'usr/lib/vfkeeper');
    await run(join(app, 'node'), [join(app, 'dist/bundle/main.js'), '--version'], { cwd: '/' });
  });

  it('brings the production dependencies with their native bindings, and no development ones', async () => {
    const app = join(root, 'usr/lib/vfkeeper');
    const load = "for (const m of ['zeromq', 'systemd-journald', 'dbus-next', 'yaml', 'zod', 'protobufjs']) await import(m);";
    await run(join(app, 'node'), ['--input-type=module', '-e', load], { cwd: app });
    for (const dev of ['vitest', 'typescript', 'eslint', '@types/node']) {
      expect(await exists(join(app, 'node_modules', dev)), dev).toBe(false);
    }
    const builds = await listFiles(join(app, 'node_modules/zeromq/build'));
    expect(builds.filter((f) => /^(darwin|win32)\//.test(f))).toEqual([]);
    expect(builds.some((f) => f.startsWith(`linux/${process.arch}/`))).toBe(true);
  });

  it('passes systemd-analyze verify in that root, man page included', async () => {
    // The root needs the units the service depends on and /bin/kill (ExecReload).
    await mkdir(join(root, 'usr/lib/systemd/system'), { recursive: true });
    await cp('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    await mkdir(join(root, 'bin'), { recursive: true });
    await cp('/bin/kill', join(root, 'bin/kill'));
    const env = { ...process.env, MANPATH: join(root, 'usr/share/man') };
    const r = await run('systemd-analyze', ['verify', `--root=${root}`, 'vfkeeper.service'], { env });
    expect(r.stderr).toBe('');
    // Without its ExecStart binary, the same check fails.
    const wrapper = join(root, 'usr/bin/vfkeeper');
    const text = await readFile(wrapper, 'utf8');
    await rm(wrapper);
    await expect(run('systemd-analyze', ['verify', `--root=${root}`, 'vfkeeper.service'], { env })).rejects.toThrow(
      /Command \/usr\/bin\/vfkeeper is not executable/,
    );
    await writeFile(wrapper, text, { mode: 0o755 });
  });

  it('installs a unit whose exposure by systemd-analyze security is 4.0 or less', async () => {
    const unit = join(root, 'lib/systemd/system/vfkeeper.service');
    const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', unit]);
    expect(parseExposure(stdout)).toBeLessThanOrEqual(4.0);
  });

  it('keeps an existing configuration on a second install', async () => {
    const config = join(root, 'etc/vfkeeper/vfkeeper.yaml');
    await writeFile(config, 'relays: auto\n');
    await make(work, ['install', 'PREFIX=/usr', `DESTDIR=${root}`]);
    expect(await readFile(config, 'utf8')).toBe('relays: auto\n');
    await access(join(root, 'usr/bin/vfkeeper'), constants.X_OK);
  }, 300_000);

  it('is undone by make uninstall, all but the configuration', async () => {
    const before = await listFiles(root);
    await make(work, ['uninstall', 'PREFIX=/usr', `DESTDIR=${root}`]);
    const after = await listFiles(root);
    const ours = (f: string) => !f.startsWith('usr/lib/systemd/system/') && f !== 'bin/kill';
    expect(before.filter(ours).length).toBeGreaterThan(100);
    expect(after.filter(ours)).toEqual(['etc/vfkeeper/vfkeeper.yaml']);
  });
});

describe('make install PREFIX=/usr/local DESTDIR=...', () => {
  it('points the unit at /usr/local/bin and puts the hooks where the dispatchers look', async () => {
    const local = join(work, 'destdir-local');
    await make(work, ['install', 'PREFIX=/usr/local', `DESTDIR=${local}`]);
    const unit = await readFile(join(local, 'usr/local/lib/systemd/system/vfkeeper.service'), 'utf8');
    expect(unit).toContain('\nExecStart=/usr/local/bin/vfkeeper daemon\n');
    for (const path of [
      'usr/local/bin/vfkeeper',
      'usr/local/lib/udev/rules.d/70-vfkeeper.rules',
      'usr/local/lib/modules-load.d/vfkeeper.conf',
      'etc/NetworkManager/dispatcher.d/90-vfkeeper',
      'etc/networkd-dispatcher/routable.d/90-vfkeeper',
      'etc/networkd-dispatcher/configured.d/90-vfkeeper',
      'etc/vfkeeper/vfkeeper.yaml',
      'usr/local/share/man/man8/vfkeeper.8',
    ]) {
      expect(await exists(join(local, path)), path).toBe(true);
    }
    expect(await readFile(join(local, 'usr/local/bin/vfkeeper'), 'utf8')).toContain('"/usr/local/lib/vfkeeper/node"');
  }, 300_000);
});
