// The forwarder's socket directory and the accounts that should own it.
// Names are resolved through getent, so NSS sources (LDAP, sssd) count.
import { lchown, lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HostError, errnoOf } from '../host-error.js';
import type { Files } from '../types.js';
import { runTool } from './run-tool.js';

export function createRealFiles(): Files {
  return {
    async listSockets(dir) {
      const top = await lstat(dir).catch(() => null);
      if (!top?.isDirectory()) return [];
      const out = [{ path: dir, uid: top.uid, gid: top.gid }];
      for (const name of (await readdir(dir)).sort()) {
        const st = await lstat(join(dir, name)).catch(() => null);
        if (st?.isSocket()) out.push({ path: join(dir, name), uid: st.uid, gid: st.gid });
      }
      return out;
    },
    async chown(path, owner) {
      try {
        // lchown: never follow a link someone may have swapped in since we looked.
        await lchown(path, owner.uid, owner.gid);
      } catch (e) {
        const errno = errnoOf(e);
        throw new HostError(`ERR_CHOWN_${errno ?? 'EIO'}`, `Could not chown ${path} to ${owner.uid}:${owner.gid}: ${errno}`, { path, errno, cause: e });
      }
    },
    async resolveOwner(spec) {
      const [user = '', group = ''] = spec.split(':');
      return { uid: await lookupId('passwd', user), gid: await lookupId('group', group) };
    },
  };
}

async function lookupId(db: 'passwd' | 'group', name: string): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const found = await runTool('getent', [db, name]).catch(() => null);
  const id = found?.stdout.split(':')[2];
  if (found === null || id === undefined || !/^\d+$/.test(id)) {
    const code = db === 'passwd' ? 'ERR_NO_SUCH_USER' : 'ERR_NO_SUCH_GROUP';
    throw new HostError(code, `No ${db === 'passwd' ? 'user' : 'group'} named "${name}" on this host`, {
      hint: db === 'passwd' ? 'install libvirt (it creates libvirt-qemu) or set forwarder.socket_owner' : 'create the group or set forwarder.socket_owner',
    });
  }
  return Number(id);
}
