// The host ports: one narrow interface per concern, two implementations
// (src/host/real/* against the kernel, src/host/sim/* a simulated kernel).
// Every method throws HostError (code, errno, path) on failure; none logs.
import type { FirmwareTree } from '../model/firmware.js';
import type { ObservedVfSettings, VfSettingChange } from '../model/vf-settings.js';
import type { PciAddress } from '../model/pci.js';
import type { StaticVf } from '../model/static-vfs.js';

/**
 * sysfs, addressed by paths relative to its root, e.g.
 * "bus/pci/devices/0000:02:00.0/sriov_numvfs". Values read keep the
 * kernel's trailing newline.
 */
export interface Sysfs {
  read(path: string): Promise<string>;
  /** One write(2) of value; the kernel's errno comes back as HostError. */
  write(path: string, value: string): Promise<void>;
  /** The link's target as the kernel has it, e.g. "../../../bus/pci/drivers/nfp". */
  readLink(path: string): Promise<string>;
  list(path: string): Promise<string[]>;
  exists(path: string): Promise<boolean>;
}

/** Link, MTU and VF settings that go through rtnetlink (`ip`) and ethtool. */
export interface NetTools {
  /** ip link set dev NETDEV up */
  setLinkUp(netdev: string): Promise<void>;
  /** ip link set dev NETDEV mtu MTU */
  setMtu(netdev: string, mtu: number): Promise<void>;
  /** ip link set dev PF vf INDEX mac MAC */
  setVfMac(pfNetdev: string, index: number, mac: string): Promise<void>;
  /**
   * ip link set dev PF vf INDEX vlan|spoofchk|trust|state|max_tx_rate|query_rss ...
   * A driver that does not implement the setting fails with
   * ERR_VF_SETTING_UNSUPPORTED (errno EOPNOTSUPP or EPROTONOSUPPORT).
   */
  setVfSetting(pfNetdev: string, index: number, change: VfSettingChange): Promise<void>;
  /** What the PF reports of each VF (ip -j -d link show: vfinfo_list), by VF index. */
  readVfInfo(pfNetdev: string): Promise<Map<number, { mac: string; settings: ObservedVfSettings }>>;
  /** ethtool -i NETDEV: the firmware-version line, e.g. "0.0.3.5 0.22 sriov-2.1.14 nic"; null if none. */
  readFirmwareVersion(netdev: string): Promise<string | null>;
  /** ethtool -P NETDEV: the permanent MAC, null if none. */
  readPermanentMac(netdev: string): Promise<string | null>;
  /**
   * Whether udev has finished with the interface: a new netdev carries the
   * kernel's name (eth0) until udev renames it, and only its database entry
   * (/run/udev/data/n<ifindex>, without the ID_RENAMING mark udev puts in
   * it for the rename) says it is done. False while it is not, or when the
   * interface is gone (renamed as we look); true where no udev runs.
   */
  isUdevDone(netdev: string): Promise<boolean>;
}

export interface Modules {
  /** modprobe NAME */
  load(name: string): Promise<void>;
}

/** Who is using VFs right now: the workload guard's eyes. */
export interface Workload {
  /**
   * IOMMU group number -> the processes holding /dev/vfio/<group> open,
   * each as "comm[pid]" (e.g. "qemu-system-x86[4242]").
   */
  openVfioGroups(): Promise<Map<string, string[]>>;
}

export interface FileOwner {
  uid: number;
  gid: number;
}

/** The forwarder's socket directory and the accounts that should own it. */
export interface Files {
  /** The directory itself, then every socket in it, with owners; [] when absent. */
  listSockets(dir: string): Promise<Array<{ path: string } & FileOwner>>;
  chown(path: string, owner: FileOwner): Promise<void>;
  /** "user:group" -> ids; throws HostError ERR_NO_SUCH_USER / ERR_NO_SUCH_GROUP. */
  resolveOwner(spec: string): Promise<FileOwner>;
}

/** The firmware directory the driver loads from (the firmware guard's links), e.g. /lib/firmware/netronome. */
export interface Firmware {
  /**
   * The links directly in `dir` and the file names in <dir>/<flavour>/ (null
   * when that flavour is not installed). Throws ERR_FIRMWARE_DIR with the
   * errno when `dir` cannot be read (ENOENT: no such firmware installed).
   */
  readTree(dir: string, flavour: string): Promise<FirmwareTree>;
  /** <dir>/<name> points at `target` afterwards; atomic, the old link kept on failure (ERR_FIRMWARE_LINK). */
  repointLink(dir: string, name: string, target: string): Promise<void>;
}

/** A udev-shaped record of one device event, as `udevadm monitor --property` prints it. */
export interface KernelEvent {
  action: 'add' | 'remove' | 'bind' | 'unbind' | 'change' | 'move';
  subsystem: 'pci' | 'net';
  /** e.g. /devices/pci0000:00/0000:00:02.0/0000:02:00.0 */
  devpath: string;
  properties: Record<string, string>;
}

export type SimVerb = 'open-vfio' | 'close-vfio' | 'remove' | 'rescan';

/** What only a simulated host has: its kernel's events, and the changes `vfkeeper sim` makes. */
export interface Simulation {
  /** Calls `listener` for every udev-shaped event of the simulated kernel; returns the function that stops it. */
  follow(listener: (e: KernelEvent) => void): () => void;
  /** A VM opens or closes a VF's vfio group, or a device is removed or rescanned (PCI address, e.g. 0000:02:08.1). */
  apply(verb: SimVerb, pci: string | undefined): Promise<void>;
}

/**
 * The relay numbers `relays: auto` gave out (VF -> virtio_id), kept in the
 * host's state (relay-numbers.json): a number stays with its VF whatever
 * happens to other PFs. read() is empty when nothing was recorded yet.
 */
export interface RelayNumberStore {
  read(): Promise<Map<PciAddress, number>>;
  write(numbers: ReadonlyMap<PciAddress, number>): Promise<void>;
}

/**
 * The VFs the forwarder attaches by itself (VIRTIOFWD_STATIC_VFS in its
 * environment file, e.g. /etc/default/virtioforwarder): not vfkeeper's.
 */
export interface StaticVfSource {
  /** [] when the file or the key is absent; throws ERR_STATIC_VFS (naming the file and the value) when it cannot be read or parsed. */
  read(file: string): Promise<StaticVf[]>;
}

export interface Host {
  /** "real" or "simulated": shown by status, and the real /sys guard keys on it. */
  kind: 'real' | 'simulated';
  sysfs: Sysfs;
  net: NetTools;
  modules: Modules;
  workload: Workload;
  files: Files;
  firmware: Firmware;
  relayNumbers: RelayNumberStore;
  staticVfs: StaticVfSource;
  /** The simulated kernel's own controls; null on a real host, whose events come from udev. */
  simulation: Simulation | null;
  /** Persist state (the simulated host writes its JSON back); a no-op for the real host. */
  commit(): Promise<void>;
}
