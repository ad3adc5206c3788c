// The initramfs of a kernel, as `lsinitramfs -l` (cpio -tv) lists it: what
// the next boot has before the root file system is mounted. A NIC driver
// that is in there (nfp) loads its firmware from the initramfs's own copy of
// /lib/firmware, not from the links on disk. Pure parsing; the listing is
// read by src/host/initramfs.ts.

export interface InitramfsEntry {
  /** Without "./" and the usr-merge "usr/" prefix, e.g. "lib/firmware/netronome/nic_AMDA0058-0011_2x40.nffw". */
  path: string;
  kind: 'file' | 'dir' | 'link' | 'other';
  /** Bytes (for a link: the length of its target). */
  size: number;
  /** A link's target as stored, e.g. "nic-sriov/nic_AMDA0058-0011_2x40.nffw"; null for anything else. */
  target: string | null;
}

// "lrwxrwxrwx   1 root     root           10 Dec  3 06:04 usr/lib/x -> y": mode, links, owner, group, size, date (3 words), name.
const LINE = /^([-dlcbps])[rwxsStT-]{9}\S*\s+\d+\s+\S+\s+\S+\s+(\d+)\s+\S+\s+\d+\s+[\d:]+\s(.+)$/;

/** Every entry of the listing; lines of another shape (segment headers) are skipped. */
export function parseInitramfsListing(text: string): InitramfsEntry[] {
  const out: InitramfsEntry[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line);
    if (m?.[1] === undefined || m[2] === undefined || m[3] === undefined) continue;
    const type = m[1];
    const kind = type === '-' ? 'file' : type === 'd' ? 'dir' : type === 'l' ? 'link' : 'other';
    const arrow = kind === 'link' ? m[3].indexOf(' -> ') : -1;
    const name = arrow < 0 ? m[3] : m[3].slice(0, arrow);
    out.push({ path: initramfsPath(name), kind, size: Number(m[2]), target: arrow < 0 ? null : m[3].slice(arrow + 4) });
  }
  return out;
}

/** "./usr/lib/firmware/x" and "lib/firmware/x" alike -> "lib/firmware/x" (the usr-merge makes /lib a link to usr/lib). */
export function initramfsPath(name: string): string {
  const plain = name.replace(/^\.?\/+/, '').replace(/^\.$/, '');
  return plain.startsWith('usr/lib/') ? plain.slice('usr/'.length) : plain;
}

/** The kernel modules of `driver` in the listing, e.g. lib/modules/6.1.0-18-amd64/.../nfp.ko.xz. */
export function findDriverModules(entries: readonly InitramfsEntry[], driver: string): string[] {
  const name = new RegExp(`^lib/modules/[^/]+/.*/${driver.replace(/[-_]/g, '[-_]')}\\.ko(\\.[a-z0-9]+)?$`);
  return entries.filter((e) => e.kind === 'file' && name.test(e.path)).map((e) => e.path);
}

/** Where the initramfs-tools of Debian and Ubuntu keep the initramfs of kernel `release`. */
export function initramfsFileOf(release: string): string {
  return `/boot/initrd.img-${release}`;
}

/** Who builds an initramfs: Debian's and Ubuntu's initramfs-tools, or dracut (RHEL, Fedora, CentOS). */
export type InitramfsMaker = 'initramfs-tools' | 'dracut';

export interface InitramfsFile {
  /** As the host names it, e.g. /boot/initramfs-5.14.0-362.el9.x86_64.img. */
  file: string;
  release: string;
  maker: InitramfsMaker;
}

/** The two places kernel `release`'s initramfs may be, initramfs-tools' first. */
export function initramfsFilesOf(release: string): InitramfsFile[] {
  return [
    { file: initramfsFileOf(release), release, maker: 'initramfs-tools' },
    { file: `/boot/initramfs-${release}.img`, release, maker: 'dracut' },
  ];
}

/** A name in /boot that is a kernel's initramfs ("initrd.img-R", "initramfs-R.img"); not dracut's kdump or rescue images. */
export function parseInitramfsName(name: string): InitramfsFile | null {
  const tools = /^initrd\.img-(.+)$/.exec(name)?.[1];
  if (tools !== undefined) return { file: `/boot/${name}`, release: tools, maker: 'initramfs-tools' };
  const dracut = /^initramfs-(.+)\.img$/.exec(name)?.[1];
  if (dracut === undefined || dracut.endsWith('kdump') || dracut.startsWith('0-rescue-')) return null;
  return { file: `/boot/${name}`, release: dracut, maker: 'dracut' };
}

/** The command that rebuilds it, as an operator types it. */
export function formatRebuildCommand(f: InitramfsFile): string {
  return f.maker === 'dracut' ? `dracut -f ${f.file} ${f.release}` : `update-initramfs -u -k ${f.release}`;
}

/** The argument vector that rebuilds it (initramfs-tools): no shell, the release as one argument. */
export function updateInitramfsArgs(release: string): string[] {
  return ['-u', '-k', release];
}
