// Which PF a PCI device belongs to, for UdevSourceOptions.readPhysfn: the
// target of its sysfs physfn link. A udev record cannot say (a VF's DEVPATH
// sits beside its PF, under the bridge), so the source asks sysfs once per
// PCI record.
import { pciAttr } from '../host/sysfs-paths.js';
import type { Sysfs } from '../host/types.js';
import { isPciAddress, parsePciAddress, type PciAddress } from '../model/pci.js';

/**
 * null when the device has no physfn link: a PF, a device that is already
 * gone (remove, or a VF deleted since), or a link we cannot read. The event
 * is only a hint, so "unknown" is the honest answer; the reconciler reads
 * the host itself.
 */
export function physfnReader(sysfs: Pick<Sysfs, 'readLink'>): (pci: PciAddress) => Promise<PciAddress | null> {
  return async (pci) => {
    let target: string;
    try {
      target = await sysfs.readLink(pciAttr(pci, 'physfn'));
    } catch {
      return null;
    }
    const name = target.slice(target.lastIndexOf('/') + 1);
    return isPciAddress(name) ? parsePciAddress(name) : null;
  };
}
