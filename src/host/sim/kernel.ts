// A simulated kernel with the kernel's own rules for SR-IOV and driver
// binding (drivers/pci/iov.c, drivers/base/bus.c as of 6.x):
//  - sriov_numvfs: EINVAL for a non-number, ERANGE above sriov_totalvfs, the
//    same count is a no-op, ENOENT with no PF driver, 0 removes the VFs,
//    non-zero to another non-zero is EBUSY; removing a VF whose vfio group
//    is open blocks (vfio waits for the user), as the real one does.
//  - unbind from a driver the device is not bound to is ENODEV; bind of a
//    bound device is EBUSY; vfio-pci refuses a device with no IOMMU group.
//  - drivers_probe binds driver_override if set, else the driver for the id;
//    a failed probe leaves the device unbound and the write succeeds.
//  - every change appends a udev-shaped event; every write is logged.
//  - a count write resets the PF (igb: "NIC Link is Down", then Up): an
//    administratively up netdev loses its carrier and gets it back a moment
//    later, with no uevent; networkd and NetworkManager see it (no-carrier,
//    carrier, routable) and run their dispatchers' hooks: onCarrier.
// Invariants: a PF's vfs.length === numVfs; VF pci addresses follow
// offset/stride; a VF has a netdev iff it is bound to its VF driver.
import type { PciAddress } from '../../model/pci.js';
import { HostError } from '../host-error.js';
import { vfPciOf, type SimPf, type SimState, type SimUdevEvent, type SimVf } from './state.js';

const EVENT_LOG = 2000;
const WRITE_LOG = 5000;

export function kernelError(errno: string, path: string, what: string): HostError {
  return new HostError(`ERR_SYSFS_${errno}`, `${what}: ${errno}`, { path, errno });
}

export class SimKernel {
  private readonly listeners = new Set<(e: SimUdevEvent) => void>();
  private readonly carrierListeners = new Set<(netdev: string, carrier: boolean) => void>();

  constructor(readonly state: SimState) {}

  onEvent(listener: (e: SimUdevEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Carrier changes of PF netdevs (no uevent: what networkd and NetworkManager watch over rtnetlink). */
  onCarrier(listener: (netdev: string, carrier: boolean) => void): () => void {
    this.carrierListeners.add(listener);
    return () => this.carrierListeners.delete(listener);
  }

  findPf(pci: string): SimPf | undefined {
    return this.state.pfs.find((p) => p.pci === pci);
  }

  findVf(pci: string): { pf: SimPf; vf: SimVf } | undefined {
    for (const pf of this.state.pfs) {
      const vf = pf.vfs.find((v) => v.pci === pci);
      if (vf) return { pf, vf };
    }
    return undefined;
  }

  isRemoved(pci: string): boolean {
    return this.state.removed.some((p) => p.pci === pci || p.vfs.some((v) => v.pci === pci));
  }

  logWrite(path: string, value: string, result: string): void {
    const writes = this.state.writes;
    writes.push({ seq: ++this.state.seq, path, value: value.trim(), result });
    if (writes.length > WRITE_LOG) writes.splice(0, writes.length - WRITE_LOG);
  }

  emit(action: SimUdevEvent['action'], subsystem: SimUdevEvent['subsystem'], devpath: string, properties: Record<string, string>): void {
    const event: SimUdevEvent = { seq: ++this.state.seq, action, subsystem, devpath, properties };
    this.state.events.push(event);
    if (this.state.events.length > EVENT_LOG) this.state.events.splice(0, this.state.events.length - EVENT_LOG);
    for (const l of this.listeners) l(event);
  }

  pciEvent(action: SimUdevEvent['action'], pci: PciAddress, id: string, driver: string | null, physfn?: PciAddress): void {
    const props: Record<string, string> = { PCI_SLOT_NAME: pci, PCI_ID: id, DRIVER: driver ?? '' };
    if (physfn) props['PHYSFN'] = physfn;
    this.emit(action, 'pci', devpathOf(pci, physfn), props);
  }

  /** sriov_numvfs_store, in the kernel's order of checks. Returns a never-settling promise for a hang. */
  setNumVfs(pf: SimPf, raw: string, path: string): Promise<void> | void {
    const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(n) || n > 0xffff) throw kernelError('EINVAL', path, `Could not write "${raw.trim()}" to ${path}`);
    if (n > pf.totalVfs) throw kernelError('ERANGE', path, `Could not write ${n} to ${path} (sriov_totalvfs is ${pf.totalVfs})`);
    if (n === pf.numVfs) return;
    if (pf.driver === null) throw kernelError('ENOENT', path, `Could not write ${n} to ${path} (no driver bound to ${pf.pci})`);
    if (this.state.hangingPfs.includes(pf.pci)) return new Promise<void>(() => undefined);
    if (n === 0) return this.withReset(pf, () => this.disableVfs(pf));
    if (pf.numVfs !== 0) throw kernelError('EBUSY', path, `Could not write ${n} to ${path} (${pf.numVfs} VFs exist)`);
    this.withReset(pf, () => this.enableVfs(pf, n));
  }

  /** The PF reset around a count change: carrier down now, up again on a later turn (autonegotiation). */
  private withReset(pf: SimPf, change: () => Promise<void> | void): Promise<void> | void {
    const netdev = pf.up ? pf.netdev : null;
    if (netdev !== null) this.carrier(netdev, false);
    const done = change();
    if (netdev !== null) setImmediate(() => this.carrier(netdev, true));
    return done;
  }

  private carrier(netdev: string, up: boolean): void {
    for (const l of this.carrierListeners) l(netdev, up);
  }

  private disableVfs(pf: SimPf): Promise<void> | void {
    // vfio_unregister_group_dev waits until the user closes the device.
    if (pf.vfs.some((vf) => vf.iommuGroup !== null && this.state.openVfioGroups[vf.iommuGroup] !== undefined)) {
      return new Promise<void>(() => undefined);
    }
    for (const vf of [...pf.vfs].reverse()) {
      if (vf.driver) this.unbind(pf, vf);
      this.pciEvent('remove', vf.pci, hexId(pf.vendor, pf.vfDevice), null, pf.pci);
    }
    pf.vfs = [];
    pf.numVfs = 0;
    this.pciEvent('change', pf.pci, hexId(pf.vendor, pf.device), pf.driver);
  }

  private enableVfs(pf: SimPf, n: number): void {
    for (let i = 0; i < n; i++) {
      const vf: SimVf = {
        index: i,
        pci: vfPciOf(pf, i),
        driver: null,
        driverOverride: null,
        iommuGroup: this.state.iommu ? String(this.state.nextIommuGroup++) : null,
        netdev: null,
        mac: '00:00:00:00:00:00',
      };
      pf.vfs.push(vf);
      this.pciEvent('add', vf.pci, hexId(pf.vendor, pf.vfDevice), null, pf.pci);
      if (pf.autoprobe) this.probe(pf, vf);
    }
    pf.numVfs = n;
    this.pciEvent('change', pf.pci, hexId(pf.vendor, pf.device), pf.driver);
  }

  /** drivers_probe for one VF: driver_override wins, else the driver for its id. */
  probe(pf: SimPf, vf: SimVf): void {
    if (vf.driver !== null) return;
    const name = vf.driverOverride ?? pf.vfDriverName;
    this.bind(pf, vf, name);
  }

  /** Returns false when the driver is absent or its probe refused the device. */
  bind(pf: SimPf, vf: SimVf, name: string): boolean {
    if (!this.state.loadedDrivers.includes(name)) return false;
    if (name === 'vfio-pci' && vf.iommuGroup === null) return false;
    vf.driver = name;
    this.pciEvent('bind', vf.pci, hexId(pf.vendor, pf.vfDevice), name, pf.pci);
    if (name === pf.vfDriverName) {
      vf.netdev = `${pf.netdev ?? 'eth'}v${vf.index}`;
      this.emit('add', 'net', `${devpathOf(vf.pci, pf.pci)}/net/${vf.netdev}`, { INTERFACE: vf.netdev });
    }
    return true;
  }

  unbind(pf: SimPf, vf: SimVf): void {
    const was = vf.driver;
    if (vf.netdev) this.emit('remove', 'net', `${devpathOf(vf.pci, pf.pci)}/net/${vf.netdev}`, { INTERFACE: vf.netdev });
    vf.netdev = null;
    vf.driver = null;
    this.pciEvent('unbind', vf.pci, hexId(pf.vendor, pf.vfDevice), was === null ? null : '', pf.pci);
  }
}

export function hexId(vendor: number, device: number): string {
  return `${vendor.toString(16).toUpperCase().padStart(4, '0')}:${device.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** PFs and their VFs are siblings under one root port, as on real hardware. */
function devpathOf(pci: PciAddress, _physfn?: PciAddress): string {
  return `/devices/pci0000:00/0000:00:01.0/${pci}`;
}
