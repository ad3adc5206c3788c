// What observe() read from the host and the forwarder: plain data, no I/O.
import type { FirmwareTree } from './firmware.js';
import type { PciAddress } from './pci.js';
import type { ObservedStaticVfs } from './static-vfs.js';
import type { ObservedVfSettings } from './vf-settings.js';

export interface ObservedVf {
  index: number;
  pci: PciAddress;
  /** Bound driver name, null when unbound. */
  driver: string | null;
  /** driver_override, null when "(null)" / empty. */
  driverOverride: string | null;
  /** IOMMU group number, null when the VF has none (IOMMU off). */
  iommuGroup: string | null;
  /** The MAC the PF reports for this VF (ip link vfinfo), null when unknown. */
  mac: string | null;
  /** VLAN, spoof checking, trust, link state, rates as the PF reports them; null when unknown (no PF netdev). */
  settings: ObservedVfSettings | null;
  /**
   * Processes other than the forwarder holding this VF's /dev/vfio group
   * open ("comm[pid]"): a VM or a DPDK application. The forwarder's own
   * hold is not use: vfkeeper detaches its relays before a count change.
   */
  vfioHolders: string[];
}

export interface ObservedLink {
  up: boolean;
  mtu: number;
  /** The link has a carrier (read only while up; absent when unknown). */
  carrier?: boolean;
}

export interface ObservedPf {
  pci: PciAddress;
  vendor: number;
  device: number;
  driver: string | null;
  netdev: string | null;
  /**
   * udev has finished with the netdev (renamed it from the kernel's eth0):
   * only then are its name, link, firmware and permanent MAC read, so
   * nothing derived from them depends on when the PF was looked at. True
   * for a PF without a netdev. While false, link, firmware and permMac are
   * null because they were not read, not because they are absent.
   */
  netdevSettled: boolean;
  link: ObservedLink | null;
  /** Application part of ethtool's firmware-version (e.g. "sriov-2.1.14"), null when unreadable. */
  firmware: string | null;
  permMac: string | null;
  totalVfs: number;
  numVfs: number;
  /** sriov_drivers_autoprobe, null where the kernel lacks it. */
  autoprobe: boolean | null;
  vfOffset: number;
  vfStride: number;
  /** The NUMA node the PF sits on (numa_node); null when the kernel has none (-1: one node, or not told by the firmware). */
  numaNode: number | null;
  vfs: ObservedVf[];
  /**
   * Devices sitting where this PF's further VFs would go (offset and stride,
   * up to sriov_totalvfs) that are not its VFs: left behind when the PF was
   * removed while a driver that does not disable SR-IOV (nvme) had VFs
   * enabled. The kernel cannot create VFs over them.
   */
  strayVfs: PciAddress[];
  /**
   * Why the workload guard cannot tell whether this PF's VFs are in use (the
   * scan of /proc failed: EACCES, a capability dropped); null when it can.
   * Unknown is never idle: disruptive steps are refused while it is set.
   */
  workloadError: string | null;
}

export type RelayCounters = Record<string, number>;

export interface ObservedRelay {
  virtioId: number;
  vf: PciAddress | null;
  /** vf_to_vm.internal_state, e.g. DPDK_ADDED. */
  vfState: string;
  /** vm_to_vf.internal_state, e.g. VIRTIO_READY. */
  vmState: string;
  vmConnected: boolean;
  socket: string;
  counters: RelayCounters;
}

/**
/**
 * The forwarder's relays, or why they are unknown. `absent`: nothing to talk
 * to (no socket, connection refused): a forwarder not started yet, as at
 * boot while DPDK initialises, is waited for; one that answers wrongly or
 * not at all is a failure. `pending`: it took the query and has not answered
 * yet (within the run's relay deadline); it may still answer. Unknown relays
 * are never read as none: what a relay may hold is not touched.
 */
export type ObservedForwarder =
  { reachable: true; relays: ObservedRelay[] } | { reachable: false; reason: string; absent?: boolean; pending?: true };

export interface ObservedSocket {
  path: string;
  uid: number;
  gid: number;
}

export interface ObservedSockets {
  dir: string;
  /** The directory itself first, then each socket in it; empty when the directory is absent. */
  entries: ObservedSocket[];
  /** Wanted owner, null when the user or group does not exist on this host. */
  owner: { uid: number; gid: number } | null;
  ownerError: string | null;
  /** Why the directory could not be listed (not ENOENT: absent is no entries); null when it could. */
  listError: string | null;
}

export interface Observed {
  pfs: ObservedPf[];
  /** The firmware directory's links (the firmware guard), null when it is absent or the guard is off. */
  firmwareLinks: FirmwareTree | null;
  /** Why the firmware directory could not be read (absent is not an error); null when it could. */
  firmwareError: string | null;
  /** vfio-pci is loaded (its driver directory exists). */
  vfioLoaded: boolean;
  forwarder: ObservedForwarder;
  sockets: ObservedSockets | null;
  /**
   * VFs that attached relays carry, present on the host but not a VF of any
   * managed PF (another NIC's, or a PF the configuration no longer matches):
   * their relays are not vfkeeper's to tear down.
   */
  othersVfs: PciAddress[];
  /** The relay numbers `relays: auto` gave out (VF -> virtio_id), as the host's state keeps them. */
  relayNumbers: ReadonlyMap<PciAddress, number>;
  /** Why that record could not be read (absent is an empty record, not an error); null when it could. */
  relayNumbersError: string | null;
  /**
   * The forwarder's static VFs (VIRTIOFWD_STATIC_VFS): theirs, never
   * detached, re-attached or renumbered by vfkeeper; null when relay
   * management is off. With `error` set, relay changes are refused.
   */
  staticVfs: ObservedStaticVfs | null;
  /** By rule (the index of config.pfs): the PFs it manages (first match wins); empty = it matches nothing. */
  ruleMatches: PciAddress[][];
}

/** Attached in the forwarder's own terms: the VF side is added and names the VF. */
export function isRelayAttached(r: ObservedRelay): boolean {
  return r.vf !== null && (r.vfState === 'DPDK_ADDED' || r.vfState === 'DPDK_READY');
}
