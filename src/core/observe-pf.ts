// Reading one PF and its VFs from the host ports: read-only. Attributes a
// kernel may lack (autoprobe, offset) read as null/defaults; a PF that
// vanishes mid-read throws, and the caller reports it.
import { parseFirmwareApplication } from '../model/firmware.js';
import type { ObservedLink, ObservedPf, ObservedVf } from '../model/observed.js';
import { parsePciAddress, vfAddress, type PciAddress } from '../model/pci.js';
import { basename } from '../host/read-device.js';
import type { Host } from '../host/types.js';
import { optional, readDriver, readInt, readNetdev } from '../host/read-device.js';

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
  const netdev = await readNetdev(host, pci);
  const numVfs = await readInt(host, dev(pci, 'sriov_numvfs'));
  const totalVfs = await readInt(host, dev(pci, 'sriov_totalvfs'));
  const vfOffset = await optional(() => readInt(host, dev(pci, 'sriov_offset')), 1);
  const vfStride = await optional(() => readInt(host, dev(pci, 'sriov_stride')), 1);
  const autoprobe = await optional(async () => (await readInt(host, dev(pci, 'sriov_drivers_autoprobe'))) === 1, null);
  const macs = netdev ? await optional(() => host.net.readVfMacs(netdev), new Map<number, string>()) : new Map<number, string>();
  const vfs: ObservedVf[] = [];
  for (let index = 0; index < numVfs; index++) vfs.push(await observeVf(host, pci, index, macs, groups));
  return {
    pci,
    vendor: await readInt(host, dev(pci, 'vendor')),
    device: await readInt(host, dev(pci, 'device')),
    driver: await readDriver(host, pci),
    netdev,
    link: netdev ? await readLink(host, netdev) : null,
    firmware: netdev ? parseFirmwareApplication(await optional(() => host.net.readFirmwareVersion(netdev), null)) : null,
    permMac: netdev ? await optional(() => host.net.readPermanentMac(netdev), null) : null,
    totalVfs,
    numVfs,
    autoprobe,
    vfOffset,
    vfStride,
    vfs,
    strayVfs: await observeStrayVfs(host, { pci, numVfs, totalVfs, vfOffset, vfStride }),
  };
}

/** Devices where VFs numVfs..totalVfs-1 would go: only after a removal that left VFs behind is there any. */
async function observeStrayVfs(host: Host, pf: Pick<ObservedPf, 'pci' | 'numVfs' | 'totalVfs' | 'vfOffset' | 'vfStride'>): Promise<PciAddress[]> {
  const stray: PciAddress[] = [];
  for (let index = pf.numVfs; index < pf.totalVfs; index++) {
    const at = vfAddress(pf.pci, pf.vfOffset, pf.vfStride, index);
    if (await host.sysfs.exists(`bus/pci/devices/${at}`)) stray.push(at);
  }
  return stray;
}

async function observeVf(host: Host, pf: string, index: number, macs: Map<number, string>, groups: ReadVfioGroups): Promise<ObservedVf> {
  const pci = parsePciAddress(basename(await host.sysfs.readLink(dev(pf, `virtfn${index}`))), `${pf} virtfn${index}`);
  const override = (await optional(() => host.sysfs.read(dev(pci, 'driver_override')), '')).trim();
  const iommuGroup = await optional(async () => basename(await host.sysfs.readLink(dev(pci, 'iommu_group'))), null);
  return {
    index,
    pci,
    driver: await readDriver(host, pci),
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
