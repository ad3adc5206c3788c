// The initramfs at the edge: list one (`lsinitramfs -l FILE`), rebuild one
// (`update-initramfs -u -k RELEASE`), and size the files the firmware links
// lead to. Programs run by argument vector, never through a shell; which
// program is a parameter, so a test (or a host under another root) never
// runs the real update-initramfs against the machine's own /boot.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './real/run-tool.js';
import { updateInitramfsArgs } from '../model/initramfs.js';
import type { FirmwareLink } from '../model/firmware.js';
import { errnoOf } from '../model/errno.js';

/** Listing a large initramfs decompresses it whole: seconds, not milliseconds. */
const LIST_TIMEOUT_MS = 60_000;
/** update-initramfs compresses every module again: minutes on a slow disk. */
const UPDATE_TIMEOUT_MS = 10 * 60_000;

/** The programs, as found on PATH unless given (VFKEEPER_LSINITRAMFS / VFKEEPER_UPDATE_INITRAMFS, tests). */
export interface InitramfsTools {
  lsinitramfs: string;
  updateInitramfs: string;
}

export const DEFAULT_INITRAMFS_TOOLS: InitramfsTools = { lsinitramfs: 'lsinitramfs', updateInitramfs: 'update-initramfs' };

/** `lsinitramfs -l FILE` (FILE as this machine sees it, e.g. <root>/boot/initrd.img-6.1.0-18-amd64). Throws ERR_TOOL_FAILED. */
export async function listInitramfs(file: string, tools: InitramfsTools = DEFAULT_INITRAMFS_TOOLS): Promise<string> {
  return (await runTool(tools.lsinitramfs, ['-l', file], LIST_TIMEOUT_MS)).stdout;
}

/** `update-initramfs -u -k RELEASE`: the argv it ran. Throws ERR_TOOL_FAILED with its stderr. */
export async function refreshInitramfs(release: string, tools: InitramfsTools = DEFAULT_INITRAMFS_TOOLS): Promise<string[]> {
  const args = updateInitramfsArgs(release);
  await runTool(tools.updateInitramfs, args, UPDATE_TIMEOUT_MS);
  return [tools.updateInitramfs, ...args];
}

/** Each link with the size of the file it leads to under `root` (null: it leads nowhere). */
export async function sizeFirmwareLinks(
  dir: string,
  links: readonly FirmwareLink[],
  root = '/',
): Promise<Array<FirmwareLink & { size: number | null }>> {
  return Promise.all(
    links.map(async (l) => {
      try {
        return { ...l, size: (await stat(join(root, dir, l.name))).size };
      } catch (e) {
        // Dangling (or looping): nothing to compare. Any other failure is not an answer.
        const errno = errnoOf(e);
        if (errno === 'ENOENT' || errno === 'ENOTDIR' || errno === 'ELOOP') return { ...l, size: null };
        throw e;
      }
    }),
  );
}
