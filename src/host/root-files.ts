// A read-only view of a host's files under a root directory: what `doctor
// --root DIR` reads (/proc, /etc, /sys/kernel, /lib, /boot, /dev, /var/log). Paths
// are given as the host names them ("/proc/cmdline") and joined onto the
// root. Nothing here throws for a file that cannot be read: the answer says
// why, so a check can report it.
import { lstat, open, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describeFsError } from './fs-error.js';
import { errnoOf } from '../model/errno.js';

export type Read<T> = { ok: true; value: T } | { ok: false; missing: boolean; reason: string };

export interface FileInfo {
  kind: 'file' | 'dir' | 'symlink' | 'socket' | 'other';
  uid: number;
  gid: number;
}

export interface RootFiles {
  readonly root: string;
  /** Where a host path is on this machine: "/proc/cmdline" -> "<root>/proc/cmdline". */
  resolve(hostPath: string): string;
  /** The file's text; with tailBytes, at most its last tailBytes bytes (for logs). */
  readText(hostPath: string, tailBytes?: number): Promise<Read<string>>;
  /** Entry names of a directory, sorted. */
  list(hostPath: string): Promise<Read<string[]>>;
  /** Type and owner of the path itself (a link is not followed). */
  info(hostPath: string): Promise<Read<FileInfo>>;
  readLink(hostPath: string): Promise<Read<string>>;
}

export function openRootFiles(root: string): RootFiles {
  const resolve = (hostPath: string): string => join(root, hostPath);
  return {
    root,
    resolve,
    readText: (p, tail) => attempt(p, () => readTextTail(resolve(p), tail)),
    list: (p) => attempt(p, async () => (await readdir(resolve(p))).sort()),
    info: (p) => attempt(p, async () => toInfo(await lstat(resolve(p)))),
    readLink: (p) => attempt(p, () => readlink(resolve(p))),
  };
}

async function attempt<T>(hostPath: string, read: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (e) {
    return { ok: false, missing: errnoOf(e) === 'ENOENT', reason: describeFsError(hostPath, e) };
  }
}

async function readTextTail(path: string, tailBytes: number | undefined): Promise<string> {
  if (tailBytes === undefined) return readFile(path, 'utf8');
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    // /proc files report size 0: read them whole.
    if (size <= tailBytes) return await handle.readFile('utf8');
    const buf = Buffer.alloc(tailBytes);
    const { bytesRead } = await handle.read(buf, 0, tailBytes, size - tailBytes);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

function toInfo(st: Awaited<ReturnType<typeof lstat>>): FileInfo {
  const kind = st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSocket() ? 'socket' : 'other';
  return { kind, uid: Number(st.uid), gid: Number(st.gid) };
}
