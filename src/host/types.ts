// The host ports: one narrow interface per concern, two implementations
// (src/host/real/* against the kernel, src/host/sim/* a simulated kernel).
// Every method throws HostError (code, errno, path) on failure; none logs.

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
  /** The VF MACs the PF reports (ip -j link show: vfinfo_list), by VF index. */
  readVfMacs(pfNetdev: string): Promise<Map<number, string>>;
  /** ethtool -i NETDEV: the firmware-version line, e.g. "0.0.3.5 0.22 sriov-2.1.14 nic"; null if none. */
  readFirmwareVersion(netdev: string): Promise<string | null>;
  /** ethtool -P NETDEV: the permanent MAC, null if none. */
  readPermanentMac(netdev: string): Promise<string | null>;
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

export interface Host {
  /** "real" or "simulated": shown by status, and the real /sys guard keys on it. */
  kind: 'real' | 'simulated';
  sysfs: Sysfs;
  net: NetTools;
  modules: Modules;
  workload: Workload;
  files: Files;
  /** Persist state (the simulated host writes its JSON back); a no-op for the real host. */
  commit(): Promise<void>;
}
