// Readers only observation uses, over the Sysfs port. Each defaults only
// where the thing is absent (ENOENT/ENODEV); any other error is thrown
// and the PF is reported unreadable rather than guessed at.
import { ifAbsent } from '../model/errno.js';
import type { ObservedLink } from '../model/observed.js';
import { netAttr, pciAttr } from '../host/sysfs-paths.js';
import { readInt } from '../host/sysfs-read.js';
import type { Host } from '../host/types.js';

/** The device's first network interface, null when it has none. */
export async function readNetdev(host: Host, pci: string): Promise<string | null> {
  return ifAbsent(async () => (await host.sysfs.list(pciAttr(pci, 'net')))[0] ?? null, null);
}

/** Link state and MTU of a netdev, null when the netdev is gone (renamed or removed as we look). */
export async function readLink(host: Host, netdev: string): Promise<ObservedLink | null> {
  return ifAbsent(async () => {
    const flags = await readInt(host, netAttr(netdev, 'flags'));
    const up = (flags & 0x1) !== 0;
    const link: ObservedLink = { up, mtu: await readInt(host, netAttr(netdev, 'mtu')) };
    // The kernel answers EINVAL for the carrier of a link that is down: read only while up.
    const carrier = up ? await ifAbsent(async () => (await readInt(host, netAttr(netdev, 'carrier'))) === 1, undefined) : undefined;
    return carrier === undefined ? link : { ...link, carrier };
  }, null);
}
