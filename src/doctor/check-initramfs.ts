// initramfs: the next boot loads the firmware the links on disk name. When
// the NIC's driver (nfp) is in the initramfs it probes before the root file
// system is mounted and loads the initramfs's own copy of the firmware, so
// re-pointed links change nothing until the initramfs is built again
// (the guide's note on linux-firmware updates).
import { FIRMWARE_DRIVER } from '../model/firmware.js';
import {
  findDriverModules,
  formatRebuildCommand,
  initramfsFilesOf,
  parseInitramfsListing,
  parseInitramfsName,
  type InitramfsFile,
} from '../model/initramfs.js';
import { readFirmwareTree } from '../host/firmware-links.js';
import { sizeFirmwareLinks } from '../host/initramfs.js';
import type { Read } from '../host/root-files.js';
import { judgeInitramfs, type DiskFirmwareLink, type InitramfsJudgement } from './judge-initramfs.js';
import { messageOf, pass, skip, warn, type Check, type CheckResult, type DoctorContext } from './types.js';

const ID = 'initramfs';

/** The running kernel's initramfs, or (another root: its kernel is unknown) every one in /boot. */
async function findInitramfs(ctx: DoctorContext): Promise<Read<InitramfsFile[]>> {
  if (ctx.kernelRelease !== null) {
    const found: InitramfsFile[] = [];
    for (const f of initramfsFilesOf(ctx.kernelRelease)) {
      const info = await ctx.files.info(f.file);
      if (info.ok) found.push(f);
      else if (!info.missing) return info;
    }
    return { ok: true, value: found };
  }
  const names = await ctx.files.list('/boot');
  if (!names.ok) return names.missing ? { ok: true, value: [] } : names;
  return { ok: true, value: names.value.flatMap((n) => parseInitramfsName(n) ?? []) };
}

function describe(file: string, j: InitramfsJudgement, dir: string): { stale: boolean; words: string } {
  const module = j.modules.length > 0 ? `${FIRMWARE_DRIVER} (${j.modules[0] ?? ''})` : `no ${FIRMWARE_DRIVER} module`;
  const first = j.stale[0];
  if (first !== undefined) {
    return {
      stale: true,
      words:
        `${file} holds ${module} and ${j.stale.length} of the NIC's firmware files unlike the links in ${dir} ` +
        `(e.g. ${first.name}: ${first.inInitramfs} there, ${first.onDisk} on disk): ` +
        (j.modules.length > 0
          ? 'the next boot loads that firmware, whatever the links say'
          : `a built-in ${FIRMWARE_DRIVER}, or one added to the initramfs later, loads that firmware, whatever the links say`),
    };
  }
  if (j.modules.length > 0 && j.held.length === 0) {
    return {
      stale: true,
      words: `${file} holds ${module} but none of the firmware files in ${dir}: the driver probes before the root file system is mounted and finds no firmware to load`,
    };
  }
  if (j.held.length > 0) return { stale: false, words: `${file}: ${j.held.length} firmware files as the links in ${dir} say, ${module}` };
  return { stale: false, words: `${file} holds neither ${FIRMWARE_DRIVER} nor its firmware: the next boot loads it from ${dir}` };
}

export const checkInitramfs: Check = async (ctx) => {
  const { dir, flavour } = ctx.config.firmware;
  const found = await findInitramfs(ctx);
  if (!found.ok) return skip(ID, found.reason);
  if (found.value.length === 0) {
    const which =
      ctx.kernelRelease === null
        ? 'no /boot/initrd.img-* or /boot/initramfs-*.img'
        : `no ${initramfsFilesOf(ctx.kernelRelease)
            .map((f) => f.file)
            .join(' or ')}`;
    return pass(ID, `${which}: no initramfs holds a copy of the firmware, so the next boot loads it from ${dir}`);
  }
  let links: DiskFirmwareLink[];
  try {
    links = await sizeFirmwareLinks(dir, (await readFirmwareTree(dir, flavour, ctx.root)).links, ctx.root);
  } catch (e) {
    return skip(ID, messageOf(e));
  }
  const lines: Array<{ stale: boolean; words: string; image: InitramfsFile }> = [];
  for (const image of found.value) {
    const { file } = image;
    let listing: string;
    try {
      listing = await ctx.listInitramfs(ctx.files.resolve(file));
    } catch (e) {
      return skip(
        ID,
        `${file} cannot be listed: ${messageOf(e)}`,
        'apt-get install initramfs-tools-core (lsinitramfs), then vfkeeper doctor',
      );
    }
    const entries = parseInitramfsListing(listing);
    lines.push({ ...describe(file, judgeInitramfs(entries, dir, links, findDriverModules(entries, FIRMWARE_DRIVER)), dir), image });
  }
  return verdict(lines);
};

function verdict(lines: Array<{ stale: boolean; words: string; image: InitramfsFile }>): CheckResult {
  const stale = lines.filter((l) => l.stale);
  const evidence = lines.map((l) => l.words).join('; ');
  if (stale.length === 0) return pass(ID, evidence);
  const by = stale.map((l) => formatRebuildCommand(l.image)).join('; ');
  const after = 'then the next reboot loads the firmware the links name';
  // vfkeeper rebuilds with initramfs-tools only; dracut's images get dracut's own command.
  if (stale.some((l) => l.image.maker === 'dracut')) return warn(ID, evidence, `vfkeeper firmware --fix, then ${by}; ${after}`);
  return warn(ID, evidence, `vfkeeper firmware --fix --initramfs (or: ${by}), ${after}`);
}
