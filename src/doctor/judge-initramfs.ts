// Whether the next boot loads the firmware the links on disk name: pure
// comparison of an initramfs listing with the firmware directory's links.
// mkinitramfs copies a linked firmware file as a relative link to the file
// the link resolved to then, plus that file; a refreshed links directory is
// not seen until the initramfs is built again.
import { initramfsPath, type InitramfsEntry } from '../model/initramfs.js';
import { normalisePath } from '../plan/plan-firmware.js';

/** A link of the firmware directory on disk, with the size of the file it leads to (null: dangling). */
export interface DiskFirmwareLink {
  name: string;
  target: string;
  size: number | null;
}

export interface StaleFirmware {
  name: string;
  /** What the initramfs has, in words: "-> nic/x.nffw" or "a copy of 6 bytes". */
  inInitramfs: string;
  /** What the link on disk says: "-> nic-sriov/x.nffw (15 bytes)". */
  onDisk: string;
}

export interface InitramfsJudgement {
  /** The driver's modules in the initramfs. */
  modules: string[];
  /** The firmware files of the links that the initramfs holds too. */
  held: string[];
  /** Those of them that differ from the links on disk. */
  stale: StaleFirmware[];
}

export function judgeInitramfs(
  entries: readonly InitramfsEntry[],
  dir: string,
  links: readonly DiskFirmwareLink[],
  modules: string[],
): InitramfsJudgement {
  const base = initramfsPath(normalisePath(dir));
  const byPath = new Map(entries.map((e) => [e.path, e]));
  const held: string[] = [];
  const stale: StaleFirmware[] = [];
  for (const link of links) {
    const entry = byPath.get(`${base}/${link.name}`);
    if (entry === undefined || (entry.kind !== 'link' && entry.kind !== 'file')) continue;
    held.push(link.name);
    const differs = describeDifference(entry, dir, link);
    if (differs !== null) stale.push(differs);
  }
  return { modules, held, stale };
}

function describeDifference(entry: InitramfsEntry, dir: string, link: DiskFirmwareLink): StaleFirmware | null {
  const diskTarget = resolveIn(dir, link.target);
  const onDisk = `-> ${link.target}${link.size === null ? ' (dangling)' : ` (${link.size} bytes)`}`;
  if (entry.kind === 'link' && entry.target !== null) {
    if (resolveIn(dir, entry.target) === diskTarget) return null;
    return { name: link.name, inInitramfs: `-> ${entry.target}`, onDisk };
  }
  // A plain copy (dracut, or an older mkinitramfs): the size tells two builds apart.
  if (link.size !== null && entry.size === link.size) return null;
  return { name: link.name, inInitramfs: `a copy of ${entry.size} bytes`, onDisk };
}

/** A link target as an absolute path, /usr/lib and /lib alike. */
function resolveIn(dir: string, target: string): string {
  const abs = normalisePath(target.startsWith('/') ? target : `${dir}/${target}`);
  return abs.startsWith('/usr/lib/') ? abs.slice('/usr'.length) : abs;
}
