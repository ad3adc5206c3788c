// sysfs under a root directory. Invariants: every path is joined onto the
// root and may not climb out of it; a write is one write(2), made on a
// bounded share of libuv's pool or in a thread or child process of its own
// (sysfs-writer.ts: hung writes never take the whole pool, and in a child
// not the process at exit) with the deadline
// deadline-sysfs.ts gives both hosts; values keep
// the kernel's trailing newline.
import { statSync } from 'node:fs';
import { readdir, readlink } from 'node:fs/promises';
import { errnoOf, isAbsent } from '../../model/errno.js';
import { join, normalize } from 'node:path';
import { HostError, sysfsError } from '../host-error.js';
import { readAttribute } from './attribute-file.js';
import type { Sysfs } from '../types.js';
import { assertMayWrite, type SysfsRootChoice } from './sysfs-guard.js';
import { SysfsWriter, type WriterUnit } from './sysfs-writer.js';

export interface RealSysfsOptions extends SysfsRootChoice {
  env: NodeJS.ProcessEnv;
  /** What a write runs in (sysfs-writer.ts): threads for the daemon, child processes (the default) for a command that must exit. */
  writer?: WriterUnit;
  /** Writes that may run on libuv's pool at once (sysfs-writer.ts, poolWriteShare); 0 (the default): none. */
  poolWrites?: number;
}

export function createRealSysfs(options: RealSysfsOptions): Sysfs {
  const at = (path: string): string => {
    const rel = normalize(path);
    if (rel.startsWith('..') || rel.startsWith('/'))
      throw new HostError('ERR_SYSFS_PATH', `sysfs path escapes the root: ${path}`, { path });
    return join(options.root, rel);
  };
  const writer = new SysfsWriter(options.writer ?? 'process', { poolWrites: options.poolWrites ?? 0 });
  return {
    async read(path) {
      try {
        return await readAttribute(at(path));
      } catch (e) {
        throw sysfsError('read', path, e);
      }
    },
    async write(path, value) {
      assertMayWrite(options, options.env);
      try {
        await writer.write(at(path), value);
      } catch (e) {
        throw sysfsError('write', path, e, value);
      }
    },
    async readLink(path) {
      try {
        return await readlink(at(path));
      } catch (e) {
        throw sysfsError('readlink', path, e);
      }
    },
    async list(path) {
      try {
        return (await readdir(at(path))).sort();
      } catch (e) {
        throw sysfsError('list', path, e);
      }
    },
    // A stat in place, not on libuv's pool: stat never waits on a device
    // (some attribute reads take the device's lock, which a probe or a
    // count write holds, so reads stay on the pool), and a round trip
    // there plus an Error for each absent path cost ~10x more, in checks a
    // run's passes make by the dozen (bench/RESULTS.md 0f). Only an absent
    // path is false (ENOENT, ENODEV, or ENOTDIR: nothing is under a file);
    // any other error is thrown.
    async exists(path) {
      const where = at(path);
      try {
        return statSync(where, { throwIfNoEntry: false }) !== undefined;
      } catch (e) {
        if (isAbsent(e) || errnoOf(e) === 'ENOTDIR') return false;
        throw sysfsError('stat', path, e);
      }
    },
  };
}
