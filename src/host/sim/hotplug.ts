// Hot-remove and rescan in the simulated kernel: a removed PF takes its VFs
// with it (the driver disables SR-IOV first); rescan brings removed PFs back
// as a fresh probe would: driver bound, numvfs 0, link down, MTU 1500.
import type { SimKernel } from './kernel.js';
import { hexId, kernelError } from './kernel.js';
import type { SimPf } from './state.js';

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
    kernel.pciEvent('bind', fresh.pci, hexId(fresh.vendor, fresh.device), fresh.driver);
    if (fresh.netdev)
      kernel.emit('add', 'net', `/devices/pci0000:00/0000:00:01.0/${fresh.pci}/net/${fresh.netdev}`, { INTERFACE: fresh.netdev });
  }
  kernel.state.pfs.sort((a, b) => a.pci.localeCompare(b.pci));
}
