// hugepages-2m: at least 1375 pages of 2M reserved (virtio-forwarder needs them).
// hugepages-1g: 1G pages reserved for the VMs (QEMU/KVM does better with them).
import type { Read } from '../host/root-files.js';
import { fail, pass, skip, warn, type Check, type DoctorContext } from './types.js';

export const PAGES_2M_MIN = 1375;
export const PAGES_2M_KB = 2048;
export const PAGES_1G_KB = 1048576;

export function nrHugepagesPath(sizeKb: number): string {
  return `/sys/kernel/mm/hugepages/hugepages-${sizeKb}kB/nr_hugepages`;
}

/** The number of pages of that size reserved now. */
export async function readHugepageCount(ctx: DoctorContext, sizeKb: number): Promise<Read<number>> {
  const path = nrHugepagesPath(sizeKb);
  const text = await ctx.files.readText(path);
  if (!text.ok) return text;
  const n = text.value.trim();
  if (/^\d+$/.test(n)) return { ok: true, value: Number(n) };
  return { ok: false, missing: false, reason: `${path} holds "${n.slice(0, 40)}", not a count` };
}

export const HUGEPAGES_2M_FIX =
  `add hugepagesz=2M hugepages=${PAGES_2M_MIN} to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, update-grub, reboot ` +
  `(or now, less reliably: echo 2048 > ${nrHugepagesPath(PAGES_2M_KB)})`;

export const HUGEPAGES_1G_FIX =
  'add default_hugepagesz=1G hugepagesz=1G hugepages=8 (as many GiB as the VMs need) to GRUB_CMDLINE_LINUX_DEFAULT ' +
  `in /etc/default/grub, update-grub, reboot (or now: echo 8 > ${nrHugepagesPath(PAGES_1G_KB)})`;

export const checkHugepages2m: Check = async (ctx) => {
  // The 2M pages are the forwarder's: a host without one does not need them.
  if (!ctx.config.forwarder.enabled) return skip('hugepages-2m', 'forwarder.enabled is false in the configuration');
  const n = await readHugepageCount(ctx, PAGES_2M_KB);
  if (!n.ok) return skip('hugepages-2m', n.reason);
  const evidence = `${n.value} pages of 2M reserved (${nrHugepagesPath(PAGES_2M_KB)}), virtio-forwarder needs at least ${PAGES_2M_MIN}`;
  return n.value >= PAGES_2M_MIN ? pass('hugepages-2m', evidence) : fail('hugepages-2m', evidence, HUGEPAGES_2M_FIX);
};

export const checkHugepages1g: Check = async (ctx) => {
  const n = await readHugepageCount(ctx, PAGES_1G_KB);
  if (!n.ok) return skip('hugepages-1g', n.missing ? `${n.reason}: this CPU or kernel has no 1G pages` : n.reason);
  const evidence = `${n.value} pages of 1G reserved for VMs (${nrHugepagesPath(PAGES_1G_KB)})`;
  return n.value > 0 ? pass('hugepages-1g', evidence) : warn('hugepages-1g', evidence, HUGEPAGES_1G_FIX);
};
