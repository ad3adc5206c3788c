// The real /sys is only written when that is really meant: the installed
// wrapper and unit set VFKEEPER_ALLOW_REAL_SYSFS=1, an operator can name
// the root explicitly (--sysfs-root /sys), and under a test runner it is
// never written at all. Everything else (a dev tree, a test, a demo) gets a
// clear refusal instead of a changed host.
import { resolve } from 'node:path';
import { HostError } from '../host-error.js';

export interface SysfsRootChoice {
  root: string;
  /** The root was named explicitly (flag or VFKEEPER_SYSFS_ROOT). */
  explicit: boolean;
}

export function isRealSysfs(root: string): boolean {
  return resolve(root) === '/sys';
}

/** Throws unless writing under this root is allowed in this process. */
export function assertMayWrite(choice: SysfsRootChoice, env: NodeJS.ProcessEnv, processEnv: NodeJS.ProcessEnv = process.env): void {
  if (!isRealSysfs(choice.root)) return;
  // The process's own environment counts too: a test can never talk its way past this.
  const underTest = [env, processEnv].some((e) => e['VITEST'] !== undefined || e['VFKEEPER_FORBID_REAL_SYSFS'] === '1');
  if (underTest) {
    throw new HostError('ERR_REAL_SYSFS_FORBIDDEN', 'Refusing to write the real /sys from a test run', {
      path: '/sys',
      hint: 'tests use the simulated host (--simulate) or a temporary --sysfs-root',
    });
  }
  if (choice.explicit || env['VFKEEPER_ALLOW_REAL_SYSFS'] === '1') return;
  throw new HostError('ERR_REAL_SYSFS_NOT_MEANT', 'Refusing to write the real /sys: this vfkeeper is not the installed one', {
    path: '/sys',
    hint: 'pass --sysfs-root /sys (or VFKEEPER_SYSFS_ROOT=/sys) if you really mean this host; the installed service does',
  });
}
