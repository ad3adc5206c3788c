// Paths named on the command line must be there: a state file, a
// configuration file or a tree that does not exist is bad usage (exit 2)
// whichever option named it, and the message names the option and the
// path. Checked once, before any command reads them, so `--sysfs-root` and
// `--root` (which read as empty trees, "converged" with nothing managed)
// fail as `--config` and `--simulate` do. A stat in place (node:fs): a
// served status passes here too, and node:fs/promises would cost its start
// the loading of fs/promises, readline and more for one stat of a local path.
import { statSync } from 'node:fs';
import type { GlobalOptions } from './command.js';
import { UsageError } from './usage-error.js';

export type PathKind = 'file' | 'directory';

export interface PathOption {
  /** How the user named it: "--config", or "VFKEEPER_SYSFS_ROOT=" for the environment. */
  name: string;
  path: string;
  kind: PathKind;
  /** What it should be, e.g. "a configuration file". */
  what: string;
  hint?: string;
}

/** Throws UsageError when `o.path` does not exist or is not a `o.kind`; other errors are left to the reader. */
export async function requirePath(o: PathOption): Promise<void> {
  const named = o.name.endsWith('=') ? `${o.name}${o.path}` : `${o.name} ${o.path}`;
  let isDirectory: boolean;
  try {
    isDirectory = statSync(o.path).isDirectory();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return;
    throw new UsageError(`${named}: expected ${o.what}; it does not exist`, o.hint);
  }
  if (isDirectory !== (o.kind === 'directory')) {
    throw new UsageError(`${named}: expected ${o.what}; it is ${isDirectory ? 'a directory' : 'not a directory'}`, o.hint);
  }
}

/** The global options that name a path: --config, --simulate, --sysfs-root (or VFKEEPER_SYSFS_ROOT). */
export async function checkPathOptions(globals: GlobalOptions, env: NodeJS.ProcessEnv): Promise<void> {
  if (globals.config !== undefined) {
    await requirePath({ name: '--config', path: globals.config, kind: 'file', what: 'a configuration file' });
  }
  if (globals.simulate !== undefined) {
    await requirePath({
      name: '--simulate',
      path: globals.simulate,
      kind: 'file',
      what: 'a simulated host state file',
      hint: 'create one with `vfkeeper sim init > STATE.json`',
    });
  }
  if (globals.sysfsRoot !== undefined) {
    // --sysfs-root wins over the environment; the same path in both is named as the variable.
    const fromEnv = env['VFKEEPER_SYSFS_ROOT'] === globals.sysfsRoot;
    await requirePath({
      name: fromEnv ? 'VFKEEPER_SYSFS_ROOT=' : '--sysfs-root',
      path: globals.sysfsRoot,
      kind: 'directory',
      what: 'a sysfs tree (a directory like /sys)',
    });
  }
}
