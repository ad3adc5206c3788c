// The firmware guard's I/O: read the top-level links of the firmware
// directory, and re-point one link atomically.
//
// Invariant: a link is never missing, not even for a moment. The new link is
// made under a temporary name in the same directory and renamed over the old
// one (rename(2) replaces atomically within a file system); on failure the
// temporary link is removed and the old one is untouched. Only symbolic links
// are replaced; a regular file of that name is left alone.
import { randomBytes } from 'node:crypto';
import { lstat, readdir, readlink, rename, symlink, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FirmwareLink, FirmwareTree } from '../model/firmware.js';
import { VfkeeperError } from '../model/errors.js';
import { describeFsError } from './fs-error.js';
import { errnoOf } from '../model/errno.js';

/**
 * The links directly in `dir` (e.g. /lib/firmware/netronome, as the host
 * names it; read under `root`) and the file names in <dir>/<flavour>/.
 * Throws ERR_FIRMWARE_DIR when the directory cannot be read.
 */
export async function readFirmwareTree(dir: string, flavour: string, root = '/'): Promise<FirmwareTree> {
  assertPlainName(flavour, 'firmware flavour', dir);
  const fsDir = join(root, dir);
  const links: FirmwareLink[] = [];
  try {
    for (const entry of await readdir(fsDir, { withFileTypes: true })) {
      if (entry.isSymbolicLink()) links.push({ name: entry.name, target: await readlink(join(fsDir, entry.name)) });
    }
  } catch (e) {
    throw new VfkeeperError('ERR_FIRMWARE_DIR', `cannot read the firmware directory: ${describeFsError(dir, e)}`, {
      path: dir,
      ...errnoField(e),
      hint: 'install the firmware (linux-firmware, or agilio-sriov-firmware from the support site) or set firmware.dir',
      cause: e,
    });
  }
  return { dir, links, flavourFiles: await readFlavourFiles(join(fsDir, flavour)) };
}

async function readFlavourFiles(fsPath: string): Promise<string[] | null> {
  try {
    return (await readdir(fsPath)).sort();
  } catch (e) {
    if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ENOTDIR') return null;
    throw new VfkeeperError('ERR_FIRMWARE_DIR', `cannot read ${describeFsError(fsPath, e)}`, { path: fsPath, ...errnoField(e), cause: e });
  }
}

/**
 * Makes <dir>/<name> point at `target` (e.g. "nic-sriov/nic_AMDA0058-0011_2x40.nffw"),
 * atomically. Throws ERR_FIRMWARE_LINK and leaves the old link in place on failure.
 */
export async function applyFirmwareLink(dir: string, name: string, target: string, root = '/'): Promise<void> {
  assertPlainName(name, 'firmware link name', dir);
  const path = join(root, dir, name);
  const temp = join(root, dir, `.${name}.vfkeeper-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const st = await lstat(path);
    if (!st.isSymbolicLink()) {
      throw new VfkeeperError('ERR_FIRMWARE_LINK', `${join(dir, name)} is not a symbolic link; left alone`, {
        path: join(dir, name),
        hint: 'move the file away by hand if a link should be there',
      });
    }
    await symlink(target, temp);
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => undefined);
    if (e instanceof VfkeeperError) throw e;
    throw new VfkeeperError('ERR_FIRMWARE_LINK', `cannot re-point ${describeFsError(join(dir, name), e)}`, {
      path: join(dir, name),
      ...errnoField(e),
      hint: `run as root, or by hand: ln -sfn ${target} ${join(dir, name)}`,
      cause: e,
    });
  }
}

function assertPlainName(name: string, what: string, dir: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new VfkeeperError('ERR_FIRMWARE_NAME', `${what} "${name}" is not a plain file name in ${dir}`, {
      path: dir,
      hint: 'give a single directory entry name, e.g. nic-sriov',
    });
  }
}

function errnoField(e: unknown): { errno?: string } {
  const errno = errnoOf(e);
  return errno === undefined ? {} : { errno };
}
