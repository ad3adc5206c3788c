// Where things are in sysfs, relative to its root (the Sysfs port joins
// them onto /sys, a test's temporary tree, or nothing for the simulated
// kernel). Built here and nowhere else, so the layout is written once.

/** The directory of all PCI devices. */
export const PCI_DEVICES = 'bus/pci/devices';
/** Writing a device's address here asks the kernel to probe it (driver_override decides which driver). */
export const PCI_DRIVERS_PROBE = 'bus/pci/drivers_probe';

/** bus/pci/devices/0000:02:00.0 */
export const pciDevice = (pci: string): string => `${PCI_DEVICES}/${pci}`;
/** bus/pci/devices/0000:02:00.0/sriov_numvfs */
export const pciAttr = (pci: string, attr: string): string => `${PCI_DEVICES}/${pci}/${attr}`;
/** bus/pci/drivers/vfio-pci, or one of its files (unbind). */
export const pciDriver = (driver: string, file?: string): string =>
  file === undefined ? `bus/pci/drivers/${driver}` : `bus/pci/drivers/${driver}/${file}`;
/** class/net/enp2s0np0/mtu */
export const netAttr = (netdev: string, attr: string): string => `class/net/${netdev}/${attr}`;
