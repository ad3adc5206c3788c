// A PF's netdev, read only once udev has finished with it. Right after a
// probe (hotplug, driver reload, boot) the netdev carries the kernel's name
// (eth0) until udev renames it, and a read in between sees the old name, or
// none (ethtool: "No such device"). Whatever is derived from such a read
// (the VF MACs from the permanent MAC, steps on the netdev) would depend on
// the moment of observation; so an unsettled netdev is reported as such and
// nothing of it is read. The rename is a udev event, which wakes the next run.
import { isAbsent } from '../model/errno.js';
import { parseFirmwareApplication } from '../model/firmware.js';
import type { ObservedLink } from '../model/observed.js';
import type { ObservedVfSettings } from '../model/vf-settings.js';
import { netAttr } from '../host/sysfs-paths.js';
import type { Host } from '../host/types.js';
import { readLink } from './read-device.js';

export interface ObservedNetdev {
  settled: boolean;
  /** What the PF reports of each VF (MAC and settings), by VF index. */
  vfInfo: Map<number, { mac: string; settings: ObservedVfSettings }>;
  link: ObservedLink | null;
  firmware: string | null;
  permMac: string | null;
}

export const NO_NET: ObservedNetdev = { settled: true, vfInfo: new Map(), link: null, firmware: null, permMac: null };
const UNSETTLED: ObservedNetdev = { ...NO_NET, settled: false };

export async function observeNetdev(host: Host, netdev: string): Promise<ObservedNetdev> {
  if (!(await host.net.isUdevDone(netdev))) return UNSETTLED;
  try {
    const [vfInfo, link, firmware, permMac] = await Promise.all([
      host.net.readVfInfo(netdev),
      readLink(host, netdev),
      host.net.readFirmwareVersion(netdev).then(parseFirmwareApplication),
      host.net.readPermanentMac(netdev),
    ]);
    return link === null ? UNSETTLED : { settled: true, vfInfo, link, firmware, permMac };
  } catch (e) {
    // Renamed or removed between the check and the reads: not settled after all.
    if (isAbsent(e) || !(await host.sysfs.exists(netAttr(netdev, 'ifindex')))) return UNSETTLED;
    throw e;
  }
}
