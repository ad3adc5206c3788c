// The workload guard's eyes on a real host: which /dev/vfio/<group> files
// some process holds open (a VM, DPDK, the forwarder). Reads /proc/*/fd
// links; processes that vanish while we look (ENOENT, ESRCH) are skipped.
// Any other failure (EACCES on /proc/PID/fd when CAP_DAC_READ_SEARCH or
// CAP_SYS_PTRACE is missing) fails the whole scan: a holder we could not
// see must never read as no holder (the guard then refuses, plan-pf.ts).
// Every process and every link is read at once rather than one after
// another: a hypervisor has hundreds of processes and QEMU holds hundreds
// of descriptors, and each read is a round trip through libuv's thread
// pool (one by one, 68 processes here took 20 ms; bench/RESULTS.md).
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoOf } from '../../model/errno.js';
import { HostError } from '../host-error.js';
import type { Workload } from '../types.js';

const VFIO_GROUP = /^\/dev\/vfio\/(\d+)$/;

export function createRealWorkload(procRoot = '/proc'): Workload {
  return {
    async openVfioGroups() {
      const pids = (await scanRead(procRoot, () => readdir(procRoot))).filter((n) => /^\d+$/.test(n));
      const held = await Promise.all(pids.map((pid) => readHeldGroups(join(procRoot, pid))));
      const groups = new Map<string, string[]>();
      for (const [i, { comm, ids }] of held.entries()) {
        for (const id of ids) {
          const holders = groups.get(id) ?? [];
          const holder = `${comm}[${pids[i] ?? ''}]`;
          if (!holders.includes(holder)) holders.push(holder);
          groups.set(id, holders);
        }
      }
      return groups;
    },
  };
}

/** The vfio groups one process holds open, and its name (read only when it holds one). */
async function readHeldGroups(procDir: string): Promise<{ comm: string; ids: string[] }> {
  const fdDir = join(procDir, 'fd');
  const fds = (await ifGone(fdDir, () => readdir(fdDir))) ?? [];
  const targets = await Promise.all(fds.map((fd) => ifGone(join(fdDir, fd), () => readlink(join(fdDir, fd)))));
  const ids = targets.flatMap((t) => VFIO_GROUP.exec(t ?? '')?.[1] ?? []);
  if (ids.length === 0) return { comm: '', ids };
  // A holder whose name is gone by now still held the group: it counts, named '?'.
  return { comm: ((await ifGone(join(procDir, 'comm'), () => readFile(join(procDir, 'comm'), 'utf8'))) ?? '?').trim(), ids };
}

/** The read's value, or null when the process (or that descriptor) went away as we looked. */
async function ifGone<T>(path: string, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (e) {
    const errno = errnoOf(e);
    if (errno === 'ENOENT' || errno === 'ESRCH') return null;
    throw scanError(path, e);
  }
}

async function scanRead<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw scanError(path, e);
  }
}

function scanError(path: string, e: unknown): HostError {
  const errno = errnoOf(e) ?? 'EIO';
  return new HostError('ERR_WORKLOAD_SCAN', `Could not read ${path} (${errno}): the workload guard cannot tell which processes hold VFs`, {
    path,
    errno,
    cause: e,
    hint: "vfkeeper needs CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE to read other processes' /proc/PID/fd",
  });
}
