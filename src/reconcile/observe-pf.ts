// Reading one PF and its VFs from the host ports: read-only. Attributes a
// kernel may lack (autoprobe, offset) read as null/defaults only when they
// are absent (ENOENT); any other error, or a PF that vanishes mid-read,
// throws, and the caller reports the PF unreadable. A workload scan that
// fails does not hide the VFs: the PF is observed with `workloadError` set,
// and the planner refuses what could hurt a VF in use.
import { ifAbsent } from '../model/errno.js';
import { asVfkeeperError } from '../model/errors.js';
import type { ObservedPf, ObservedVf } from '../model/observed.js';
import { parsePciAddress, vfAddress, type PciAddress } from '../model/pci.js';
import { pciAttr, pciDevice } from '../host/sysfs-paths.js';
import { basename, readDriver, readInt } from '../host/sysfs-read.js';
import type { Host } from '../host/types.js';
import { NO_NET, observeNetdev, type ObservedNetdev } from './observe-netdev.js';
import { readNetdev } from './read-device.js';

/** vfio group -> its holders; read at most once per observation, and only if a VF could be held. */
export type ReadVfioGroups = () => Promise<Map<string, string[]>>;

/** The scan's answer, or why there is none: "cannot tell" is not "nobody". */
type Holders = { groups: Map<string, string[]> } | { error: string };

/** Whether this PF's VFs' holders are needed (observe.ts: only where a count change is due). */
export type NeedsHolders = (count: { numVfs: number; totalVfs: number }) => boolean;

// Not read because not needed is still not known: the guard that would need
// them refuses as it does when the scan failed (never reached while the
// observation and the planner agree on the count a rule wants).
const NOT_READ: Holders = { error: 'not read: no VF count change was due when the PF was read' };

export async function observePf(
  host: Host,
  pci: PciAddress,
  groups: ReadVfioGroups,
  needsHolders: NeedsHolders = () => true,
): Promise<ObservedPf> {
  // The driver, then sriov_numvfs, each alone, then the rest together (each
  // read is a pool round trip). The kernel makes the `driver` link before
  // it calls the driver's probe, and answers sriov_numvfs under the device
  // lock the probe holds from start to end: once the count is read, a
  // driver seen before it has finished probing, and the netdev the probe
  // registers is there. Read all together, a run woken while igb was
  // probing saw the driver but not yet its netdev, and bound the VFs before
  // their MACs were set (the guest's igb floor bench, bench/RESULTS.md 0f).
  const driver = await readDriver(host, pci);
  const numVfs = await readInt(host, pciAttr(pci, 'sriov_numvfs'));
  const [netdev, totalVfs, vfOffset, vfStride, autoprobe, vendor, device, rawNuma] = await Promise.all([
    readNetdev(host, pci),
    readInt(host, pciAttr(pci, 'sriov_totalvfs')),
    ifAbsent(() => readInt(host, pciAttr(pci, 'sriov_offset')), 1),
    ifAbsent(() => readInt(host, pciAttr(pci, 'sriov_stride')), 1),
    ifAbsent(async () => (await readInt(host, pciAttr(pci, 'sriov_drivers_autoprobe'))) === 1, null),
    readInt(host, pciAttr(pci, 'vendor')),
    readInt(host, pciAttr(pci, 'device')),
    ifAbsent(() => readInt(host, pciAttr(pci, 'numa_node')), -1),
  ]);
  const net = netdev === null ? NO_NET : await observeNetdev(host, netdev);
  const holders =
    numVfs === 0 ? { groups: new Map<string, string[]>() } : needsHolders({ numVfs, totalVfs }) ? await readHolders(groups) : NOT_READ;
  const [vfs, strayVfs] = await Promise.all([
    Promise.all(Array.from({ length: numVfs }, (_, index) => observeVf(host, pci, index, net.vfInfo, holders))),
    observeStrayVfs(host, { pci, numVfs, totalVfs, vfOffset, vfStride }),
  ]);
  const workloadError = 'error' in holders ? holders.error : null;
  return {
    pci,
    vendor,
    device,
    driver,
    netdev,
    netdevSettled: net.settled,
    link: net.link,
    firmware: net.firmware,
    permMac: net.permMac,
    totalVfs,
    numVfs,
    autoprobe,
    vfOffset,
    vfStride,
    numaNode: rawNuma >= 0 ? rawNuma : null,
    vfs,
    strayVfs,
    workloadError,
  };
}

async function readHolders(groups: ReadVfioGroups): Promise<Holders> {
  try {
    return { groups: await groups() };
  } catch (e) {
    return { error: asVfkeeperError(e).message };
  }
}

/** Devices where VFs numVfs..totalVfs-1 would go: only after a removal that left VFs behind is there any. */
async function observeStrayVfs(
  host: Host,
  pf: Pick<ObservedPf, 'pci' | 'numVfs' | 'totalVfs' | 'vfOffset' | 'vfStride'>,
): Promise<PciAddress[]> {
  const where = Array.from({ length: Math.max(0, pf.totalVfs - pf.numVfs) }, (_, i) =>
    vfAddress(pf.pci, pf.vfOffset, pf.vfStride, pf.numVfs + i),
  );
  const present = await Promise.all(where.map((at) => host.sysfs.exists(pciDevice(at))));
  return where.filter((_, i) => present[i]);
}

async function observeVf(host: Host, pf: string, index: number, vfInfo: ObservedNetdev['vfInfo'], holders: Holders): Promise<ObservedVf> {
  const pci = parsePciAddress(basename(await host.sysfs.readLink(pciAttr(pf, `virtfn${index}`))), `${pf} virtfn${index}`);
  const [rawOverride, iommuGroup, driver] = await Promise.all([
    ifAbsent(() => host.sysfs.read(pciAttr(pci, 'driver_override')), ''),
    ifAbsent(async () => basename(await host.sysfs.readLink(pciAttr(pci, 'iommu_group'))), null),
    readDriver(host, pci),
  ]);
  const override = rawOverride.trim();
  const held = iommuGroup === null || 'error' in holders ? [] : (holders.groups.get(iommuGroup) ?? []);
  return {
    index,
    pci,
    driver,
    driverOverride: override === '' || override === '(null)' ? null : override,
    iommuGroup,
    mac: vfInfo.get(index)?.mac ?? null,
    settings: vfInfo.get(index)?.settings ?? null,
    vfioHolders: held.filter((h) => !isForwarderProcess(h)),
  };
}

/** The forwarder holds the VFs of its attached relays: that is not a VM using them. */
function isForwarderProcess(holder: string): boolean {
  return /^virtio-forwarde?r?\[/.test(holder) || /^virtioforwarder\[/.test(holder);
}
