// Errors from the host layer carry the kernel's errno and the path or
// command, so the journal and the catalog can explain them.
import { errnoOf } from '../model/errno.js';
import { VfkeeperError, type ErrorCode, type ErrorOptions } from '../model/errors.js';

export class HostError extends VfkeeperError {
  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'HostError';
  }
}

/** Wrap a failed sysfs access: ERR_SYSFS_<ERRNO>, with path and errno. */
export function sysfsError(op: 'read' | 'write' | 'readlink' | 'list' | 'stat', path: string, e: unknown, value?: string): HostError {
  if (e instanceof HostError) return e;
  const errno = errnoOf(e) ?? 'EIO';
  const what = op === 'write' ? `write "${(value ?? '').trim()}" to ${path}` : `${op} ${path}`;
  return new HostError(`ERR_SYSFS_${errno}`, `Could not ${what}: ${errno}`, { path, errno, cause: e, hint: hintFor(path, errno) });
}

function hintFor(path: string, errno: string): string | undefined {
  if (path.endsWith('sriov_numvfs')) {
    const hints: Record<string, string> = {
      EBUSY: 'VFs exist already: a new count needs 0 first, which vfkeeper writes only when no VF is in use',
      ERANGE: 'the count is above sriov_totalvfs',
      ENOENT: 'no driver is bound to the PF, or its firmware has no SR-IOV',
      ENOMEM: 'SR-IOV is off in the BIOS, or the kernel needs pci=realloc (dmesg shows "PCI SR-IOV:-12")',
      ENOSPC: 'the PF has run out of MSI-X vectors',
    };
    return hints[errno];
  }
  if (errno === 'ENODEV') return 'the device was removed';
  if (errno === 'EACCES' || errno === 'EPERM') return 'vfkeeper must run as root with CAP_SYS_ADMIN to write sysfs';
  return undefined;
}
