// hugetlbfs: a hugetlbfs mount for each page size in use (2M always, for
// virtio-forwarder; 1G when pages of 1G are reserved).
// libvirt-hugepage-dirs: in each hugetlbfs mount, a libvirt/ directory owned
// by the QEMU user (libvirt-qemu on Debian/Ubuntu, qemu on RHEL) and kvm.
import type { Read } from '../host/root-files.js';
import type { FileOwner } from '../host/types.js';
import { PAGES_1G_KB, PAGES_2M_KB, readHugepageCount } from './check-hugepages.js';
import { formatPageSize, mountPageSizeKb, parseCmdline, parseMeminfoHugepageKb, parseMounts, parsePageSizeKb } from './parse-proc.js';
import { fail, messageOf, pass, skip, type Check, type DoctorContext } from './types.js';

export interface HugetlbfsMount {
  target: string;
  sizeKb: number;
}

/** The default huge page size: /proc/meminfo, else default_hugepagesz=, else 2M. */
async function readDefaultPageKb(ctx: DoctorContext): Promise<number> {
  const meminfo = await ctx.files.readText('/proc/meminfo');
  const fromMeminfo = meminfo.ok ? parseMeminfoHugepageKb(meminfo.value) : null;
  if (fromMeminfo !== null) return fromMeminfo;
  const cmdline = await ctx.files.readText('/proc/cmdline');
  const param = cmdline.ok ? parseCmdline(cmdline.value).get('default_hugepagesz') : undefined;
  return (param === undefined ? null : parsePageSizeKb(param)) ?? PAGES_2M_KB;
}

export async function readHugetlbfsMounts(ctx: DoctorContext): Promise<Read<HugetlbfsMount[]>> {
  const text = await ctx.files.readText('/proc/mounts');
  if (!text.ok) return text;
  const defaultKb = await readDefaultPageKb(ctx);
  const mounts = parseMounts(text.value).filter((m) => m.fstype === 'hugetlbfs');
  return { ok: true, value: mounts.map((m) => ({ target: m.target, sizeKb: mountPageSizeKb(m, defaultKb) })) };
}

function mountFix(sizeKb: number): string {
  const dir = sizeKb === PAGES_2M_KB ? '/dev/hugepages' : `/dev/hugepages-${formatPageSize(sizeKb)}`;
  return `mkdir -p ${dir} && mount nodev -t hugetlbfs -o rw,pagesize=${formatPageSize(sizeKb)} ${dir}/ (and an fstab line to keep it)`;
}

export const checkHugetlbfs: Check = async (ctx) => {
  const mounts = await readHugetlbfsMounts(ctx);
  if (!mounts.ok) return skip('hugetlbfs', mounts.reason);
  const oneG = await readHugepageCount(ctx, PAGES_1G_KB);
  const sizes = oneG.ok && oneG.value > 0 ? [PAGES_2M_KB, PAGES_1G_KB] : [PAGES_2M_KB];
  const have = mounts.value.map((m) => `${m.target} (${formatPageSize(m.sizeKb)})`).join(', ') || 'none';
  const lacking = sizes.filter((kb) => !mounts.value.some((m) => m.sizeKb === kb));
  const evidence = `hugetlbfs mounts: ${have}; in use: ${sizes.map(formatPageSize).join(', ')}`;
  if (lacking.length === 0) return pass('hugetlbfs', evidence);
  return fail('hugetlbfs', `${evidence}; no mount for ${lacking.map(formatPageSize).join(', ')}`, lacking.map(mountFix).join('; '));
};

/** The QEMU user with the kvm group: libvirt-qemu (Debian/Ubuntu), else qemu (RHEL). */
async function resolveQemuOwner(ctx: DoctorContext): Promise<Read<FileOwner & { spec: string }>> {
  const reasons: string[] = [];
  for (const spec of ['libvirt-qemu:kvm', 'qemu:kvm']) {
    try {
      return { ok: true, value: { ...(await ctx.resolveOwner(spec)), spec } };
    } catch (e) {
      reasons.push(messageOf(e));
    }
  }
  return { ok: false, missing: true, reason: `no QEMU user and kvm group: ${reasons.join('; ')}` };
}

export const checkLibvirtHugepageDirs: Check = async (ctx) => {
  const mounts = await readHugetlbfsMounts(ctx);
  if (!mounts.ok) return skip('libvirt-hugepage-dirs', mounts.reason);
  if (mounts.value.length === 0) return skip('libvirt-hugepage-dirs', 'no hugetlbfs is mounted (see hugetlbfs)');
  const owner = await resolveQemuOwner(ctx);
  if (!owner.ok) return skip('libvirt-hugepage-dirs', `${owner.reason} (is libvirt installed?)`);
  const { uid, gid, spec } = owner.value;
  const good: string[] = [];
  const bad: string[] = [];
  const fixes: string[] = [];
  for (const { target } of mounts.value) {
    const dir = `${target.replace(/\/$/, '')}/libvirt`;
    const info = await ctx.files.info(dir);
    if (info.ok && info.value.kind === 'dir' && info.value.uid === uid && info.value.gid === gid) {
      good.push(dir);
      continue;
    }
    if (!info.ok) bad.push(info.reason);
    else bad.push(info.value.kind !== 'dir' ? `${dir} is not a directory` : `${dir} is owned by ${info.value.uid}:${info.value.gid}`);
    fixes.push(`mkdir -p ${dir} && chown -R ${spec} ${dir}`);
  }
  const want = `want ${spec} (${uid}:${gid})`;
  if (bad.length === 0) return pass('libvirt-hugepage-dirs', `${good.join(', ')} owned by ${spec}`);
  return fail('libvirt-hugepage-dirs', `${bad.join('; ')}; ${want}`, `${fixes.join('; ')}; then systemctl restart libvirtd`);
};
