// Reading one PF and its VFs from the host ports: read-only. Attributes a
// kernel may lack (autoprobe, offset) read as null/defaults; a PF that
// vanishes mid-read throws, and the caller reports it.
import { parseFirmwareApplication } from '../model/firmware.js';
import type { ObservedLink, ObservedPf, ObservedVf } from '../model/observed.js';
import { parsePciAddress, vfAddress, type PciAddress } from '../model/pci.js';
import { basename } from './read-device.js';
import type { Host } from '../host/types.js';
import { optional, readDriver, readInt, readNetdev } from './read-device.js';

const dev = (pci: string, attr: string) => `bus/pci/devices/${pci}/${attr}`;

async function readLink(host: Host, netdev: string): Promise<ObservedLink | null> {
  return optional(async () => {
    const flags = await readInt(host, `class/net/${netdev}/flags`);
    return { up: (flags & 0x1) !== 0, mtu: await readInt(host, `class/net/${netdev}/mtu`) };
  }, null);
}

/** vfio group -> its holders; read at most once per observation, and only if a VF could be held. */
export type ReadVfioGroups = () => Promise<Map<string, string[]>>;

export async function observePf(host: Host, pci: PciAddress, groups: ReadVfioGroups): Promise<ObservedPf> {
  // Independent reads go out together: each is a thread-pool round trip.
  const [netdev, numVfs, totalVfs, vfOffset, vfStride, autoprobe, vendor, device, driver] = await Promise.all([
    readNetdev(host, pci),
    readInt(host, dev(pci, 'sriov_numvfs')),
    readInt(host, dev(pci, 'sriov_totalvfs')),
    optional(() => readInt(host, dev(pci, 'sriov_offset')), 1),
    optional(() => readInt(host, dev(pci, 'sriov_stride')), 1),
    optional(async () => (await readInt(host, dev(pci, 'sriov_drivers_autoprobe'))) === 1, null),
    readInt(host, dev(pci, 'vendor')),
    readInt(host, dev(pci, 'device')),
    readDriver(host, pci),
  ]);
  const [macs, link, firmware, permMac] = netdev
    ? await Promise.all([
        optional(() => host.net.readVfMacs(netdev), new Map<number, string>()),
        readLink(host, netdev),
        optional(() => host.net.readFirmwareVersion(netdev), null).then(parseFirmwareApplication),
        optional(() => host.net.readPermanentMac(netdev), null),
      ])
    : [new Map<number, string>(), null, null, null];
  const [vfs, strayVfs] = await Promise.all([
    Promise.all(Array.from({ length: numVfs }, (_, index) => observeVf(host, pci, index, macs, groups))),
    observeStrayVfs(host, { pci, numVfs, totalVfs, vfOffset, vfStride }),
  ]);
  return { pci, vendor, device, driver, netdev, link, firmware, permMac, totalVfs, numVfs, autoprobe, vfOffset, vfStride, vfs, strayVfs };
}

/** Devices where VFs numVfs..totalVfs-1 would go: only after a removal that left VFs behind is there any. */
async function observeStrayVfs(host: Host, pf: Pick<ObservedPf, 'pci' | 'numVfs' | 'totalVfs' | 'vfOffset' | 'vfStride'>): Promise<PciAddress[]> {
  const where = Array.from({ length: Math.max(0, pf.totalVfs - pf.numVfs) }, (_, i) => vfAddress(pf.pci, pf.vfOffset, pf.vfStride, pf.numVfs + i));
  const present = await Promise.all(where.map((at) => host.sysfs.exists(`bus/pci/devices/${at}`)));
  return where.filter((_, i) => present[i]);
}

async function observeVf(host: Host, pf: string, index: number, macs: Map<number, string>, groups: ReadVfioGroups): Promise<ObservedVf> {
  const pci = parsePciAddress(basename(await host.sysfs.readLink(dev(pf, `virtfn${index}`))), `${pf} virtfn${index}`);
  const [rawOverride, iommuGroup, driver] = await Promise.all([
    optional(() => host.sysfs.read(dev(pci, 'driver_override')), ''),
    optional(async () => basename(await host.sysfs.readLink(dev(pci, 'iommu_group'))), null),
    readDriver(host, pci),
  ]);
  const override = rawOverride.trim();
  return {
    index,
    pci,
    driver,
    driverOverride: override === '' || override === '(null)' ? null : override,
    iommuGroup,
    mac: macs.get(index) ?? null,
    vfioHolders: iommuGroup === null ? [] : ((await groups()).get(iommuGroup) ?? []).filter((h) => !isForwarderProcess(h)),
  };
}

/** The forwarder holds the VFs of its attached relays: that is not a VM using them. */
function isForwarderProcess(holder: string): boolean {
  return /^virtio-forwarde?r?\[/.test(holder) || /^virtioforwarder\[/.test(holder);
}
