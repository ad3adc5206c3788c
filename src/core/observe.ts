// observe(host, forwarder): the actual state, read only. Which PCI devices
// are managed PFs is decided by the configuration's rules (first match),
// using only identity attributes; then each managed PF is read in full.
import type { Config } from '../model/config.js';
import { findRule } from '../model/match.js';
import { isRelayAttached, type Observed, type ObservedForwarder, type ObservedPf, type ObservedSockets } from '../model/observed.js';
import { parsePciAddress, type PciAddress } from '../model/pci.js';
import { asVfkeeperError, type VfkeeperError } from '../model/errors.js';
import type { Forwarder } from '../dataplane/types.js';
import type { Host } from '../host/types.js';
import { observePf } from './observe-pf.js';
import { readFirmwareTree } from '../host/firmware-links.js';
import { readInt, readNetdev } from '../host/read-device.js';

export interface ObserveResult {
  observed: Observed;
  /** PFs that matched but could not be read (vanished mid-read, unreadable attributes). */
  unreadable: Array<{ pci: PciAddress; error: VfkeeperError }>;
}

export async function findManagedPfs(host: Host, config: Config): Promise<PciAddress[]> {
  const found: PciAddress[] = [];
  for (const name of await host.sysfs.list('bus/pci/devices').catch(() => [])) {
    if (!(await host.sysfs.exists(`bus/pci/devices/${name}/sriov_totalvfs`))) continue;
    const pci = parsePciAddress(name);
    const identity = {
      pci,
      vendor: await readInt(host, `bus/pci/devices/${pci}/vendor`).catch(() => -1),
      device: await readInt(host, `bus/pci/devices/${pci}/device`).catch(() => -1),
      netdev: await readNetdev(host, pci),
    };
    if (findRule(config, identity)) found.push(pci);
  }
  return found;
}

/**
 * `hostWide: false` (a per-PF run) leaves out what only full runs act on:
 * the socket directory and the firmware links, whose own file watches wake
 * a full run. That keeps the cost of one udev event to the PF's own reads.
 */
export async function observe(host: Host, config: Config, forwarder: Forwarder | null, options: { hostWide: boolean } = { hostWide: true }): Promise<ObserveResult> {
  // Every process's descriptors are read only when there is a VF (a PF that
  // just appeared has none), and once per observation.
  let scan: Promise<Map<string, string[]>> | null = null;
  const groups = (): Promise<Map<string, string[]>> => (scan ??= host.workload.openVfioGroups().catch(() => new Map<string, string[]>()));
  const pfs: ObservedPf[] = [];
  const unreadable: ObserveResult['unreadable'] = [];
  const managed = await findManagedPfs(host, config);
  for (const pci of managed) {
    try {
      pfs.push(await observePf(host, pci, groups));
    } catch (e) {
      unreadable.push({ pci, error: asVfkeeperError(e, 'ERR_OBSERVE') });
    }
  }
  const forwarderState = await observeForwarder(config, forwarder);
  return {
    observed: {
      pfs,
      firmwareLinks: config.firmware.guard === 'off' || !options.hostWide ? null : await readFirmwareTree(config.firmware.dir, config.firmware.flavour).catch(() => null),
      vfioLoaded: await host.sysfs.exists('bus/pci/drivers/vfio-pci'),
      forwarder: forwarderState,
      sockets: config.forwarder.enabled && options.hostWide ? await observeSockets(host, config) : null,
      othersVfs: await findOthersVfs(host, pfs, forwarderState),
    },
    unreadable,
  };
}

export async function observeForwarder(config: Config, forwarder: Forwarder | null): Promise<ObservedForwarder> {
  if (!config.forwarder.enabled || forwarder === null) return { reachable: false, reason: 'relay management is off (forwarder.enabled: false)' };
  try {
    return { reachable: true, relays: await forwarder.readRelays() };
  } catch (e) {
    return { reachable: false, reason: asVfkeeperError(e).message };
  }
}

/**
 * Relay VFs that exist and are not a read managed PF's (one that could not be
 * read counts as another's: hands off). A VF whose PF is gone (nvme leaves
 * them behind when the PF alone is removed) is an orphan, not another's: its
 * relay is dead and goes.
 */
async function findOthersVfs(host: Host, pfs: ObservedPf[], forwarder: ObservedForwarder): Promise<PciAddress[]> {
  if (!forwarder.reachable) return [];
  const ours = new Set(pfs.flatMap((pf) => pf.vfs.map((vf) => vf.pci)));
  const candidates = forwarder.relays.filter(isRelayAttached).flatMap((r) => (r.vf === null || ours.has(r.vf) ? [] : [r.vf]));
  const kept = await Promise.all(candidates.map((vf) => isOthersDevice(host, vf)));
  return candidates.filter((_, i) => kept[i]);
}

async function isOthersDevice(host: Host, pci: PciAddress): Promise<boolean> {
  if (!(await host.sysfs.exists(`bus/pci/devices/${pci}`))) return false;
  const physfn = await host.sysfs.readLink(`bus/pci/devices/${pci}/physfn`).catch(() => null);
  // Not a VF (a relay on some other device): not ours either way.
  if (physfn === null) return true;
  return host.sysfs.exists(`bus/pci/devices/${physfn.split('/').pop() ?? ''}`);
}

async function observeSockets(host: Host, config: Config): Promise<ObservedSockets> {
  const dir = config.forwarder.socketDir;
  const entries = await host.files.listSockets(dir).catch(() => []);
  try {
    return { dir, entries, owner: await host.files.resolveOwner(config.forwarder.socketOwner), ownerError: null };
  } catch (e) {
    return { dir, entries, owner: null, ownerError: asVfkeeperError(e).message };
  }
}
