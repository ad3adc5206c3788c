// vfio: the vfio-pci driver is loaded, or can be (a module the kernel lists
// in modules.dep, or built in). vfkeeper loads it itself when it binds VFs.
import { fail, pass, skip, type Check, type DoctorContext } from './types.js';

const ID = 'vfio';
const MODULE = /(^|\/)vfio[-_]pci\.ko(\.[a-z]+)?:?\s*$/m;
const DEP_LINE = /(^|\/)vfio[-_]pci\.ko(\.[a-z]+)?:/m;

/** Kernel releases whose module lists to read: the given one, else every one under /lib/modules. */
async function releasesToRead(ctx: DoctorContext): Promise<{ releases: string[]; reason: string }> {
  if (ctx.kernelRelease !== null) return { releases: [ctx.kernelRelease], reason: '' };
  const all = await ctx.files.list('/lib/modules');
  return all.ok ? { releases: all.value, reason: '' } : { releases: [], reason: all.reason };
}

/** "module" / "builtin" with the file that says so, or the reasons nothing says so. */
async function findInModuleLists(ctx: DoctorContext): Promise<{ found: string | null; read: number; unreadable: string[] }> {
  const { releases, reason } = await releasesToRead(ctx);
  const unreadable = reason === '' ? [] : [reason];
  let read = 0;
  for (const rel of releases) {
    for (const [file, pattern, how] of [
      ['modules.dep', DEP_LINE, 'a module'],
      ['modules.builtin', MODULE, 'built in'],
    ] as const) {
      const path = `/lib/modules/${rel}/${file}`;
      const text = await ctx.files.readText(path);
      if (!text.ok) {
        unreadable.push(text.reason);
        continue;
      }
      read += 1;
      if (pattern.test(text.value)) return { found: `vfio-pci is ${how} (${path})`, read, unreadable };
    }
  }
  return { found: null, read, unreadable };
}

export const checkVfio: Check = async (ctx) => {
  for (const path of ['/sys/module/vfio_pci', '/sys/bus/pci/drivers/vfio-pci']) {
    if ((await ctx.files.info(path)).ok) return pass(ID, `vfio-pci is loaded (${path})`);
  }
  const { found, read, unreadable } = await findInModuleLists(ctx);
  if (found !== null) return pass(ID, `${found}; not loaded yet, vfkeeper runs modprobe vfio-pci when it binds VFs`);
  if (read === 0) return skip(ID, `vfio-pci is not loaded and no module list could be read: ${unreadable.join('; ')}`, 'modprobe vfio-pci');
  return fail(
    ID,
    `vfio-pci is not loaded, and neither modules.dep nor modules.builtin ` +
      `of ${ctx.kernelRelease ?? 'any kernel under /lib/modules'} lists it`,
    'install a kernel with vfio-pci (CONFIG_VFIO_PCI), e.g. apt-get install linux-modules-extra-$(uname -r), then modprobe vfio-pci',
  );
};
