// Users and groups as a host under --root defines them: <root>/etc/passwd
// and <root>/etc/group. parseOwnerSpec is pure; resolveOwnerFromFiles reads
// through the RootFiles view and answers "user:group" -> ids.
import { VfkeeperError, type ErrorCode } from '../model/errors.js';
import type { FileOwner } from '../host/types.js';
import { parseIdFile } from '../host/id-files.js';
import type { RootFiles } from '../host/root-files.js';

/** "libvirt-qemu:kvm" -> ["libvirt-qemu", "kvm"]; throws ERR_OWNER_SPEC for anything else. */
export function parseOwnerSpec(spec: string): [string, string] {
  const i = spec.indexOf(':');
  const user = spec.slice(0, i);
  const group = spec.slice(i + 1);
  if (i <= 0 || group === '' || group.includes(':')) {
    throw new VfkeeperError('ERR_OWNER_SPEC', `owner "${spec}" is not of the form user:group`, {
      hint: 'write it as user:group, e.g. libvirt-qemu:kvm',
    });
  }
  return [user, group];
}

/** Resolves "user:group" (names or numbers) against <root>/etc/passwd and <root>/etc/group. */
export function resolveOwnerFromFiles(files: RootFiles): (spec: string) => Promise<FileOwner> {
  return async (spec) => {
    const [user, group] = parseOwnerSpec(spec);
    const uid = await lookup(files, '/etc/passwd', user, 'ERR_NO_SUCH_USER', 'user');
    const gid = await lookup(files, '/etc/group', group, 'ERR_NO_SUCH_GROUP', 'group');
    return { uid, gid };
  };
}

async function lookup(files: RootFiles, path: string, name: string, code: ErrorCode, what: string): Promise<number> {
  if (/^\d+$/.test(name)) return Number(name);
  const text = await files.readText(path);
  if (!text.ok) throw new VfkeeperError(code, `cannot look up ${what} ${name}: ${text.reason}`, { path });
  const id = parseIdFile(text.value).get(name);
  if (id === undefined) {
    throw new VfkeeperError(code, `${what} ${name} does not exist (${path})`, {
      path,
      hint: what === 'user' ? 'install libvirt (it creates the QEMU user) or change the owner' : 'create the group or change the owner',
    });
  }
  return id;
}
