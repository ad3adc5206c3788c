// The guest kernel's PCI sysfs, for scenarios. Writes go to the real /sys of
// the machine this runs on, so every scenario calls assertInE2eGuest() first:
// it refuses to run anywhere but the throw-away end-to-end guest.
import { access, readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { VfkeeperError } from '../../../../src/model/errors.js';

export const PCI_DEVICES = '/sys/bus/pci/devices';
export const PCI_BUS = '/sys/bus/pci';

/** Throws unless the kernel was booted by run-vm.sh (vfkeeper.scenario= on its command line). */
export async function assertInE2eGuest(): Promise<void> {
  const cmdline = await readFile('/proc/cmdline', 'utf8');
  if (!/(^|\s)vfkeeper\.scenario=\S/.test(cmdline)) {
    throw new VfkeeperError('ERR_E2E_NOT_GUEST', 'refusing to write /sys: this is not the end-to-end guest', {
      hint: 'guest scenarios run only in the VM: test/e2e/testbed/run-vm.sh SCENARIO',
      path: '/proc/cmdline',
    });
  }
}

/** Path of a PCI device's directory or attribute, e.g. devicePath('0000:01:00.0', 'sriov_numvfs'). */
export function devicePath(pci: string, attribute?: string): string {
  return attribute === undefined ? join(PCI_DEVICES, pci) : join(PCI_DEVICES, pci, attribute);
}

export async function readAttribute(pci: string, attribute: string): Promise<string> {
  return (await readFile(devicePath(pci, attribute), 'utf8')).trim();
}

export async function writeSysfs(path: string, value: string): Promise<void> {
  await writeFile(path, value);
}

/** Writes and returns 'ok' or the errno code the kernel answered ('EBUSY', 'ERANGE', ...). */
export async function tryWriteSysfs(path: string, value: string): Promise<string> {
  try {
    await writeFile(path, value);
    return 'ok';
  } catch (e) {
    if (e instanceof Error && 'code' in e && typeof e.code === 'string') return e.code;
    throw e;
  }
}

export async function isPresent(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The bound driver's name, or undefined when none is bound. */
export async function readDriver(pci: string): Promise<string | undefined> {
  try {
    return basename(await readlink(devicePath(pci, 'driver')));
  } catch (e) {
    if (e instanceof Error && 'code' in e && e.code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The PF's VF addresses from its virtfnN links, in VF index order. */
export async function readVirtfns(pf: string): Promise<string[]> {
  const names = (await readdir(devicePath(pf))).filter((n) => /^virtfn\d+$/.test(n));
  names.sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
  return Promise.all(names.map(async (n) => basename(await readlink(devicePath(pf, n)))));
}

export async function readIommuGroup(pci: string): Promise<string> {
  return basename(await readlink(devicePath(pci, 'iommu_group')));
}
