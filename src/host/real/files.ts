// The forwarder's socket directory and the accounts that should own it.
// Names are looked up in /etc/passwd and /etc/group first (NSS's own first
// source on Debian, and a file read instead of a process: `status` starts
// within its budget), then through getent, so LDAP and sssd users count.
// Invariants: a name that resolved is reused for OWNER_TTL_MS (every run
// observes the owner, and two getent processes per event cost the daemon
// ~10 ms, bench/RESULTS.md); a name that did not resolve is looked up again
// on the next call, so a user created later (libvirt-qemu) is seen at once.
import { lchown, lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError } from '../host-error.js';
import { errnoOf, ifAbsent } from '../../model/errno.js';
import { parseIdFile } from '../id-files.js';
import type { Files } from '../types.js';
import { runTool } from './run-tool.js';

const OWNER_TTL_MS = 60_000;

/** etcDir: where passwd and group are read (tests point it elsewhere; getent still asks the host). */
export function createRealFiles(options: { etcDir?: string } = {}): Files {
  const etcDir = options.etcDir ?? '/etc';
  const ids = new Map<string, { id: number; at: number }>();
  const cachedId = async (db: 'passwd' | 'group', name: string): Promise<number> => {
    const hit = ids.get(`${db}:${name}`);
    if (hit !== undefined && Date.now() - hit.at < OWNER_TTL_MS) return hit.id;
    const id = await lookupId(etcDir, db, name);
    ids.set(`${db}:${name}`, { id, at: Date.now() });
    return id;
  };
  return {
    async listSockets(dir) {
      const top = await listed(dir, () => ifAbsent(() => lstat(dir), null));
      if (!top?.isDirectory()) return [];
      // All at once: one lstat after another costs a thread-pool round trip each (60 sockets, every run).
      const names = (await listed(dir, () => readdir(dir))).sort();
      // A socket that went away since readdir is simply not there.
      const stats = await Promise.all(names.map((name) => listed(join(dir, name), () => ifAbsent(() => lstat(join(dir, name)), null))));
      const sockets = names.flatMap((name, i) => {
        const st = stats[i];
        return st?.isSocket() ? [{ path: join(dir, name), uid: st.uid, gid: st.gid }] : [];
      });
      return [{ path: dir, uid: top.uid, gid: top.gid }, ...sockets];
    },
    async chown(path, owner) {
      try {
        // lchown: never follow a link someone may have swapped in since we looked.
        await lchown(path, owner.uid, owner.gid);
      } catch (e) {
        const errno = errnoOf(e);
        throw new HostError(`ERR_CHOWN_${errno ?? 'EIO'}`, `Could not chown ${path} to ${owner.uid}:${owner.gid}: ${errno}`, {
          path,
          errno,
          cause: e,
        });
      }
    },
    async resolveOwner(spec) {
      const [user = '', group = ''] = spec.split(':');
      // Both at once: each may be a getent process, tens of ms on a busy host.
      const [uid, gid] = await Promise.all([cachedId('passwd', user), cachedId('group', group)]);
      return { uid, gid };
    },
  };
}

async function lookupId(etcDir: string, db: 'passwd' | 'group', name: string): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const local = parseIdFile(await ifAbsent(() => readFile(join(etcDir, db), 'utf8'), '')).get(name);
  if (local !== undefined) return local;
  const found = await runTool('getent', [db, name]).catch(() => null);
  const id = found?.stdout.split(':')[2];
  if (found === null || id === undefined || !/^\d+$/.test(id)) {
    const code = db === 'passwd' ? 'ERR_NO_SUCH_USER' : 'ERR_NO_SUCH_GROUP';
    throw new HostError(code, `No ${db === 'passwd' ? 'user' : 'group'} named "${name}" on this host`, {
      hint:
        db === 'passwd'
          ? 'install libvirt (it creates libvirt-qemu) or set forwarder.socket_owner'
          : 'create the group or set forwarder.socket_owner',
    });
  }
  return Number(id);
}

/** A listing's read, its failure as a HostError that names the path and errno. */
async function listed<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    const errno = errnoOf(e) ?? 'EIO';
    throw new HostError('ERR_SOCKET_DIR', `Could not read ${path}: ${errno}`, { path, errno, cause: e });
  }
}
