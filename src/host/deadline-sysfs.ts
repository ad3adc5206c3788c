// A deadline on every sysfs write, for both hosts: some drivers block in a
// write for minutes (and vfio blocks removing a VF a VM holds). The caller
// learns of it after the deadline (ERR_SYSFS_TIMEOUT); the write itself goes
// on in the background, and a second write to the same path is refused
// until it returns, so a stuck PF is never hammered. Writes still within
// their deadline do not block one another: several VFs' binds write the one
// bus/pci/drivers_probe together, and two PFs' lanes may too.
import { HostError } from './host-error.js';
import type { Sysfs } from './types.js';

export function withWriteDeadline(inner: Sysfs, timeoutMs: number): Sysfs {
  const overdue = new Set<string>();
  return {
    ...inner,
    async write(path, value) {
      if (overdue.has(path)) {
        throw new HostError('ERR_SYSFS_TIMEOUT', `An earlier write to ${path} has still not returned`, {
          path,
          errno: 'ETIMEDOUT',
          hint: 'the driver is blocking in that write; vfkeeper backs off from this PF',
        });
      }
      let done = false;
      const work = inner.write(path, value);
      const settled = work.finally(() => {
        done = true;
        overdue.delete(path);
      });
      settled.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          if (!done) overdue.add(path);
          reject(timeoutError(path, value, timeoutMs));
        }, timeoutMs);
        // Not unref'd: the caller is waiting, so the process must live until
        // the answer or the deadline (a hung write holds nothing of its own).
      });
      try {
        await Promise.race([work, deadline]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function timeoutError(path: string, value: string, ms: number): HostError {
  return new HostError('ERR_SYSFS_TIMEOUT', `Writing "${value.trim()}" to ${path} has not returned after ${ms} ms`, {
    path,
    errno: 'ETIMEDOUT',
    hint: 'the driver is blocking in this write (for sriov_numvfs: a VF still in use); vfkeeper backs off from this PF until it returns',
  });
}
