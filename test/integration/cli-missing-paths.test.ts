// A state file, configuration file or tree named on the command line that
// does not exist is bad usage: exit 2, with a message naming the option and
// the path, whichever option named it (--sysfs-root and --root used to read
// as empty trees: "converged", exit 0, or a failed check, exit 1). The
// built CLI, as a user runs it.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
beforeAll(() => {
  t = tempDir('vfkmiss-');
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--vfs', '2']).stdout);
  writeFileSync(t.path('c.yaml'), `forwarder: { enabled: false }\nfirmware: { dir: ${t.path('fw')}, guard: off }\n`);
});
afterAll(() => t.remove());

interface Row {
  option: string;
  /** The arguments, given the missing path. */
  args: (missing: string) => string[];
  env?: (missing: string) => NodeJS.ProcessEnv;
}

// Every other input is present and aimed at temporary files: nothing reads or writes the real host.
const GLOBALS: Row[] = [
  { option: '--config', args: (m) => ['--simulate', t.path('h.json'), '--config', m] },
  { option: '--simulate', args: (m) => ['--simulate', m, '--config', t.path('c.yaml')] },
  { option: '--sysfs-root', args: (m) => ['--sysfs-root', m, '--config', t.path('c.yaml')] },
  { option: 'VFKEEPER_SYSFS_ROOT=', args: () => ['--config', t.path('c.yaml')], env: (m) => ({ VFKEEPER_SYSFS_ROOT: m }) },
];

function named(option: string, path: string): string {
  return option.endsWith('=') ? `${option}${path}` : `${option} ${path}`;
}

describe('a missing path named on the command line exits 2, naming the option and the path', () => {
  describe.each([[['reconcile']], [['reconcile', '--dry-run']], [['status']]])('%j', (command) => {
    it.each(GLOBALS)('$option', ({ option, args, env }) => {
      const missing = t.path(`absent-${option.replace(/\W/g, '')}`);
      const r = vfkeeper([...args(missing), ...command], env ? { env: env(missing) } : {});
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^vfkeeper: ${named(option, missing).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: expected .*; it does not exist\n`),
      );
    });
  });

  it.each([['doctor'], ['firmware']])('%s --root', (command) => {
    const missing = t.path('absent-root');
    const r = vfkeeper([command, '--root', missing, '--config', t.path('c.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^vfkeeper: --root ${missing}: expected a directory holding the host's files; it does not exist\n`),
    );
  });

  it('a path of the wrong kind is said as such: --sysfs-root naming a file, --config naming a directory', () => {
    const tree = vfkeeper(['--sysfs-root', t.path('h.json'), '--config', t.path('c.yaml'), 'status']);
    expect([tree.status, tree.stderr]).toEqual([
      2,
      `vfkeeper: --sysfs-root ${t.path('h.json')}: expected a sysfs tree (a directory like /sys); it is not a directory\n`,
    ]);
    const config = vfkeeper(['--simulate', t.path('h.json'), '--config', t.dir, 'status']);
    expect([config.status, config.stderr]).toEqual([2, `vfkeeper: --config ${t.dir}: expected a configuration file; it is a directory\n`]);
  });
});
