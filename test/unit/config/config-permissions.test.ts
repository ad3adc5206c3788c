// A root service reads only configuration that only root can change (as
// sshd and sudo): the file, conf.d/ and its drop-ins, and the directory
// holding them. Each refusal names the path and its mode or owner.
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

const isRoot = process.getuid?.() === 0;
let t: TempDir;
beforeEach(() => {
  t = tempDir();
  chmodSync(t.dir, 0o755);
  writeFileSync(t.path('vfkeeper.yaml'), 'pfs:\n  - match: { netdev: enp2s0np0 }\n', { mode: 0o644 });
  mkdirSync(t.path('conf.d'), { mode: 0o755 });
  writeFileSync(t.path('conf.d/10-a.yaml'), 'relays: auto\n', { mode: 0o644 });
});
afterEach(() => t.remove());

const load = () => loadConfig(t.path('vfkeeper.yaml'));

describe('configuration others could write', () => {
  it('reads files and directories only root (or the caller) can change', async () => {
    expect((await load()).sources).toEqual([t.path('vfkeeper.yaml'), t.path('conf.d/10-a.yaml')]);
  });

  it.each([
    ['vfkeeper.yaml', '0666', 'file', 0o666],
    ['vfkeeper.yaml', '0664', 'file', 0o664],
    ['conf.d/10-a.yaml', '0646', 'file', 0o646],
    ['conf.d', '0777', 'directory', 0o777],
    ['conf.d', '0775', 'directory', 0o775],
    ['.', '0757', 'directory', 0o757],
  ])('refuses %s with mode %s', async (name, shown, what, mode) => {
    const path = name === '.' ? t.dir : t.path(name);
    chmodSync(path, mode);
    await expect(load()).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: `${path}: refusing a configuration ${what} writable by group or others (mode ${shown}): chown root:root ${path} && chmod go-w ${path}`,
    });
  });

  it('accepts a sticky world-writable directory (as /tmp): others cannot replace what is in it', async () => {
    chmodSync(t.dir, 0o1777);
    expect((await load()).sources).toHaveLength(2);
  });

  it.skipIf(skipWhenMissing(isRoot))('refuses a drop-in owned by another user than root', async () => {
    assertPresent(isRoot, 'root (to chown a file to another user)');
    chownSync(t.path('conf.d/10-a.yaml'), 1000, 1000);
    await expect(load()).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringContaining(
        `${t.path('conf.d/10-a.yaml')}: refusing a configuration file owned by uid 1000, not root (mode 0644)`,
      ),
    });
  });
});
