// The workload guard's eyes on a real host: which /dev/vfio/<group> files
// some process holds open (a VM, DPDK, the forwarder). Reads /proc/*/fd
// links; processes that vanish while we look are simply skipped.
// Every process and every link is read at once rather than one after
// another: a hypervisor has hundreds of processes and QEMU holds hundreds
// of descriptors, and each read is a round trip through libuv's thread
// pool (one by one, 68 processes here took 20 ms; bench/RESULTS.md).
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workload } from '../types.js';

const VFIO_GROUP = /^\/dev\/vfio\/(\d+)$/;

export function createRealWorkload(procRoot = '/proc'): Workload {
  return {
    async openVfioGroups() {
      const pids = (await readdir(procRoot).catch(() => [])).filter((n) => /^\d+$/.test(n));
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
  const fds = await readdir(fdDir).catch(() => []);
  const targets = await Promise.all(fds.map((fd) => readlink(join(fdDir, fd)).catch(() => '')));
  const ids = targets.flatMap((t) => VFIO_GROUP.exec(t)?.[1] ?? []);
  if (ids.length === 0) return { comm: '', ids };
  return { comm: (await readFile(join(procDir, 'comm'), 'utf8').catch(() => '?')).trim(), ids };
}
