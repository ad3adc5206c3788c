// Hot-remove and rescan in the simulated kernel: a removed PF takes its VFs
// with it (the driver disables SR-IOV first); rescan brings removed PFs back
// as a fresh probe would: driver bound, numvfs 0, link down, MTU 1500, and
// its netdev under the kernel's name (eth0) until udev renames it
// (settleUdev), as a real kernel and udev do (measured on igb).
import type { SimKernel } from './kernel.js';
import { hexId, kernelError } from './kernel.js';
import type { SimPf } from './state.js';
import { comparePci } from '../../model/pci.js';

export function removeDevice(kernel: SimKernel, pci: string): void {
  const pf = kernel.findPf(pci);
  if (!pf) {
    const found = kernel.findVf(pci);
    if (!found) throw kernelError('ENODEV', `bus/pci/devices/${pci}/remove`, `No device ${pci}`);
    // A VF cannot be removed on its own while SR-IOV is on: the kernel lets
    // it go, but the PF's count stays; keep the model simple and refuse.
    throw kernelError('EBUSY', `bus/pci/devices/${pci}/remove`, `${pci} is a VF: remove its PF instead`);
  }
  for (const vf of [...pf.vfs].reverse()) {
    if (vf.driver) kernel.unbind(pf, vf);
    kernel.pciEvent('remove', vf.pci, hexId(pf.vendor, pf.vfDevice), null, pf.pci);
  }
  if (pf.netdev) kernel.emit('remove', 'net', `/devices/pci0000:00/0000:00:01.0/${pf.pci}/net/${pf.netdev}`, { INTERFACE: pf.netdev });
  kernel.pciEvent('unbind', pf.pci, hexId(pf.vendor, pf.device), '');
  kernel.pciEvent('remove', pf.pci, hexId(pf.vendor, pf.device), null);
  kernel.state.pfs = kernel.state.pfs.filter((p) => p !== pf);
  kernel.state.removed.push({ ...pf, vfs: [], numVfs: 0 });
}

export function rescanPci(kernel: SimKernel): void {
  const back = kernel.state.removed;
  kernel.state.removed = [];
  for (const pf of back) {
    // On a real kernel the PF's add comes before its driver is bound.
    const fresh: SimPf = { ...pf, driver: null, up: false, mtu: 1500, autoprobe: true, numVfs: 0, vfs: [] };
    kernel.state.pfs.push(fresh);
    kernel.pciEvent('add', fresh.pci, hexId(fresh.vendor, fresh.device), null);
    fresh.driver = fresh.pfDriverName;
    if (fresh.netdev) {
      fresh.udevName = fresh.netdev;
      fresh.netdev = kernelName(kernel);
      kernel.emit('add', 'net', netDevpath(fresh.pci, fresh.netdev), { INTERFACE: fresh.netdev });
    }
    kernel.pciEvent('bind', fresh.pci, hexId(fresh.vendor, fresh.device), fresh.driver);
  }
  kernel.state.pfs.sort((a, b) => comparePci(a.pci, b.pci));
}

/** The first ethN no netdev of the host has: what the kernel names a new interface. */
function kernelName(kernel: SimKernel): string {
  const taken = new Set(kernel.state.pfs.map((p) => p.netdev));
  let n = 0;
  while (taken.has(`eth${n}`)) n++;
  return `eth${n}`;
}

const netDevpath = (pci: string, netdev: string) => `/devices/pci0000:00/0000:00:01.0/${pci}/net/${netdev}`;

/** udev renames every netdev still under its kernel name; each rename is a `move` event with the new name. */
export function settleUdev(kernel: SimKernel): void {
  for (const pf of kernel.state.pfs) {
    if (pf.udevName === undefined || pf.netdev === null) continue;
    const from = pf.netdev;
    pf.netdev = pf.udevName;
    delete pf.udevName;
    kernel.emit('move', 'net', netDevpath(pf.pci, pf.netdev), { INTERFACE: pf.netdev, DEVPATH_OLD: netDevpath(pf.pci, from) });
  }
}
