// Which PF a PCI device belongs to, for UdevSourceOptions.readPhysfn: the
// target of its sysfs physfn link. A udev record cannot say (a VF's DEVPATH
// sits beside its PF, under the bridge), so the source asks sysfs once per
// PCI record.
import { pciAttr } from '../host/sysfs-paths.js';
import type { Sysfs } from '../host/types.js';
import { ifAbsent } from '../model/errno.js';
import { isPciAddress, parsePciAddress, type PciAddress } from '../model/pci.js';

/**
 * null when the device has no physfn link: a PF, or a device that is
 * already gone (remove, or a VF deleted since). A link that is there but
 * cannot be read rejects: the source says so and routes the event as
 * unknown (a run of all PFs), never as "a PF".
 */
export function physfnReader(sysfs: Pick<Sysfs, 'readLink'>): (pci: PciAddress) => Promise<PciAddress | null> {
  return async (pci) => {
    const target = await ifAbsent(() => sysfs.readLink(pciAttr(pci, 'physfn')), null);
    if (target === null) return null;
    const name = target.slice(target.lastIndexOf('/') + 1);
    return isPciAddress(name) ? parsePciAddress(name) : null;
  };
}
