// The workload guard's eyes on a real host: which /dev/vfio/<group> files
// some process holds open (a VM, DPDK, the forwarder). Reads /proc/*/fd
// links; processes that vanish while we look are simply skipped.
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workload } from '../types.js';

export function createRealWorkload(procRoot = '/proc'): Workload {
  return {
    async openVfioGroups() {
      const groups = new Map<string, string[]>();
      const pids = (await readdir(procRoot).catch(() => [])).filter((n) => /^\d+$/.test(n));
      for (const pid of pids) {
        const fdDir = join(procRoot, pid, 'fd');
        const fds = await readdir(fdDir).catch(() => []);
        for (const fd of fds) {
          const target = await readlink(join(fdDir, fd)).catch(() => '');
          const m = /^\/dev\/vfio\/(\d+)$/.exec(target);
          if (!m?.[1]) continue;
          const comm = (await readFile(join(procRoot, pid, 'comm'), 'utf8').catch(() => '?')).trim();
          const holders = groups.get(m[1]) ?? [];
          if (!holders.includes(`${comm}[${pid}]`)) holders.push(`${comm}[${pid}]`);
          groups.set(m[1], holders);
        }
      }
      return groups;
    },
  };
}
