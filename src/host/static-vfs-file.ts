// The forwarder's static VFs at the edge: VIRTIOFWD_STATIC_VFS of its
// environment file (/etc/default/virtioforwarder), read as sh would assign
// it, without running anything. Fail closed: an absent file is an empty
// list (no forwarder settings, nothing static); a file that cannot be read,
// or a value that is not a list of <PCI>=<relay> pairs, is an error naming
// the file and the value, so the planner refuses relay changes instead of
// taking the list as empty.
import { readFile } from 'node:fs/promises';
import { isAbsent } from '../model/errno.js';
import { parseEnvFile } from '../model/env-file.js';
import { parseStaticVfsOf, type StaticVf } from '../model/static-vfs.js';
import { describeFsError } from './fs-error.js';
import { HostError } from './host-error.js';
import type { StaticVfSource } from './types.js';
import { errnoOf } from '../model/errno.js';

/** The list in `file` (as this machine sees it); [] when the file or the key is absent. Throws ERR_STATIC_VFS. */
export async function readStaticVfs(file: string): Promise<StaticVf[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (isAbsent(e)) return [];
    throw new HostError('ERR_STATIC_VFS', `The forwarder's static VFs cannot be read: ${describeFsError(file, e)}`, {
      path: file,
      errno: errnoOf(e),
      hint: `make ${file} readable by vfkeeper (root); until then vfkeeper changes no relay`,
      cause: e,
    });
  }
  const parsed = parseStaticVfsOf(parseEnvFile(text));
  if (!parsed.ok) {
    throw new HostError('ERR_STATIC_VFS', `${file}: ${parsed.error}`, {
      path: file,
      hint: `write it as VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2) on one line in ${file}; until then vfkeeper changes no relay`,
    });
  }
  return parsed.entries;
}

/** The port, over real files on either kind of host (like the firmware directory). */
export function createStaticVfFile(): StaticVfSource {
  return { read: readStaticVfs };
}
