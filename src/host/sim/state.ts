// The simulated host's whole state: plain JSON, so `--simulate STATE.json`
// can keep it between commands. The rules that change it live in kernel.ts.
import { vfAddress, type PciAddress } from '../../model/pci.js';
import type { KernelEvent } from '../types.js';
import type { ObservedVfSettings } from '../../model/vf-settings.js';

export interface SimVf {
  index: number;
  pci: PciAddress;
  driver: string | null;
  driverOverride: string | null;
  iommuGroup: string | null;
  netdev: string | null;
  mac: string;
  /** What `ip link set PF vf N ...` changed; absent = as a new VF has them (state files from before settings). */
  settings?: ObservedVfSettings;
}

export interface SimPf {
  pci: PciAddress;
  vendor: number;
  device: number;
  vfDevice: number;
  /** Driver for the PF and, by id, for its VFs (nfp / nfp_netvf for Netronome). */
  pfDriverName: string;
  vfDriverName: string;
  driver: string | null;
  netdev: string | null;
  /**
   * The name udev will give the netdev, while it still has the kernel's
   * (eth0, right after a probe); absent once udev has renamed it.
   */
  udevName?: string;
  up: boolean;
  mtu: number;
  permMac: string | null;
  /** Application part of the firmware version, e.g. sriov-2.1.14. */
  firmware: string | null;
  totalVfs: number;
  numVfs: number;
  autoprobe: boolean;
  offset: number;
  stride: number;
  /** numa_node; absent = 0. */
  numaNode?: number;
  vfs: SimVf[];
}

/** A kernel event as the simulated kernel numbers and keeps it. */
export interface SimUdevEvent extends KernelEvent {
  seq: number;
}

export interface SimWrite {
  seq: number;
  path: string;
  value: string;
  /** "ok" or the errno the kernel answered. */
  result: string;
}

/** A fault armed on a sysfs path (faults.ts): the kernel answers `errno`, or never answers ("HANG"). */
export interface SimFault {
  /** Relative sysfs path; `*` stands for any characters within one path component. */
  path: string;
  /** An errno name (EBUSY, EIO, ENOMEM...) or HANG. */
  errno: string;
  /** Default: write. */
  op?: 'read' | 'write';
  /** Fires this many times, then is gone; absent: until removed. */
  times?: number;
}

export interface SimState {
  version: 1;
  pfs: SimPf[];
  /** PFs hot-removed; `rescan` brings them back as a fresh probe would. */
  removed: SimPf[];
  loadedDrivers: string[];
  iommu: boolean;
  nextIommuGroup: number;
  /** group -> holders ("comm[pid]"), as the real /proc scan reports them. */
  openVfioGroups: Record<string, string[]>;
  /** PFs whose sriov_numvfs writes hang (a driver that blocks), for tests. */
  hangingPfs: PciAddress[];
  /**
   * A power cut, for crash-consistency tests: with `durable`, the process
   * kills itself (SIGKILL) once this many more writes are on disk.
   */
  crashAfterWrites?: number;
  /** Faults armed by tests (faults.ts); absent in older state files. */
  faults?: SimFault[];
  seq: number;
  events: SimUdevEvent[];
  writes: SimWrite[];
}

export interface SimInitOptions {
  pfs: number;
  totalVfs: number;
  numVfs: number;
  firmware: string;
  /** The NIC: nfp (Netronome Agilio, the default) or igb (Intel 82576, which refuses some VF settings). */
  driver?: 'nfp' | 'igb';
}

/** An Agilio-like host: PFs at 0000:02:00.0, 0000:03:00.0, ...; VF0 at slot 8 (offset 64, stride 1). */
export function createSimState(o: SimInitOptions): SimState {
  const state: SimState = {
    version: 1,
    pfs: [],
    removed: [],
    loadedDrivers: o.driver === 'igb' ? ['igb', 'igbvf'] : ['nfp', 'nfp_netvf'],
    iommu: true,
    nextIommuGroup: 20,
    openVfioGroups: {},
    hangingPfs: [],
    seq: 0,
    events: [],
    writes: [],
  };
  for (let i = 0; i < o.pfs; i++) {
    const bus = (2 + i).toString(16).padStart(2, '0');
    const sriov = o.firmware.startsWith('sriov');
    if (o.driver === 'igb') {
      state.pfs.push(igbPf(bus, i, o.totalVfs));
      continue;
    }
    state.pfs.push({
      pci: `0000:${bus}:00.0` as PciAddress,
      vendor: 0x19ee,
      device: 0x4000,
      vfDevice: 0x6003,
      pfDriverName: 'nfp',
      vfDriverName: 'nfp_netvf',
      driver: 'nfp',
      netdev: `enp${2 + i}s0np0`,
      up: false,
      mtu: 1500,
      permMac: `00:15:4d:13:${(0x0c + i).toString(16).padStart(2, '0')}:9e`,
      firmware: o.firmware,
      // The nfp driver reads the VF limit from the firmware; nic firmware has none.
      totalVfs: sriov ? o.totalVfs : 0,
      numVfs: 0,
      autoprobe: true,
      offset: 64,
      stride: 1,
      vfs: [],
    });
  }
  return state;
}

/** An Intel 82576 port: igb/igbvf, VFs at offset 128 stride 2 (as the igb testbed's 01:10.0, 01:10.2, ...). */
function igbPf(bus: string, i: number, totalVfs: number): SimPf {
  return {
    pci: `0000:${bus}:00.0` as PciAddress,
    vendor: 0x8086,
    device: 0x10c9,
    vfDevice: 0x10ca,
    pfDriverName: 'igb',
    vfDriverName: 'igbvf',
    driver: 'igb',
    netdev: `enp${2 + i}s0`,
    up: false,
    mtu: 1500,
    permMac: `52:54:00:12:${(0x34 + i).toString(16).padStart(2, '0')}:56`,
    firmware: null,
    totalVfs: Math.min(totalVfs, 7),
    numVfs: 0,
    autoprobe: true,
    offset: 128,
    stride: 2,
    vfs: [],
  };
}

export function vfPciOf(pf: SimPf, index: number): PciAddress {
  return vfAddress(pf.pci, pf.offset, pf.stride, index);
}
