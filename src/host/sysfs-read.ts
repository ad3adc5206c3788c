// Small typed reads of device attributes over the Sysfs port, shared by
// observation (src/reconcile) and the executors (src/actions). A default
// stands in only where the thing is absent (ENOENT/ENODEV): no driver
// bound is `null`; a driver link that cannot be read is an error.
import { ifAbsent } from '../model/errno.js';
import { HostError } from './host-error.js';
import { pciAttr } from './sysfs-paths.js';
import type { Host } from './types.js';

/** The last component of a link target: "../../../bus/pci/drivers/nfp" -> "nfp". */
export const basename = (link: string): string => link.slice(link.lastIndexOf('/') + 1);

/** A decimal or 0x-hex attribute (vendor, sriov_numvfs, mtu); ERR_SYSFS_PARSE when it is neither. */
export async function readInt(host: Host, path: string): Promise<number> {
  const text = (await host.sysfs.read(path)).trim();
  const n = text.startsWith('0x') ? parseInt(text, 16) : Number(text);
  if (text === '' || !Number.isFinite(n)) throw new HostError('ERR_SYSFS_PARSE', `${path} holds "${text}", not a number`, { path });
  return n;
}

/** The driver bound to a PCI device ("vfio-pci"), null when none is. */
export async function readDriver(host: Host, pci: string): Promise<string | null> {
  return ifAbsent(async () => basename(await host.sysfs.readLink(pciAttr(pci, 'driver'))), null);
}
