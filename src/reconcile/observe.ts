// observe(host, forwarder): the actual state, read only. Which PCI devices
// are managed PFs is decided by the configuration's rules (first match),
// using only identity attributes; then each managed PF is read in full.
import type { Config } from '../model/config.js';
import { isRelayAttached, type Observed, type ObservedForwarder, type ObservedPf, type ObservedSockets } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import { asVfkeeperError, type VfkeeperError } from '../model/errors.js';
import type { Forwarder } from '../dataplane/types.js';
import type { Host } from '../host/types.js';
import { ifAbsent } from '../model/errno.js';
import type { FirmwareTree } from '../model/firmware.js';
import type { ObservedStaticVfs } from '../model/static-vfs.js';
import { pciAttr, pciDevice, pciDriver } from '../host/sysfs-paths.js';
import { basename } from '../host/sysfs-read.js';
import { observePf, type ReadVfioGroups } from './observe-pf.js';
import { findManagedPfs } from './find-managed-pfs.js';
import { ForwarderRead } from './forwarder-read.js';

export interface ObserveResult {
  observed: Observed;
  /** PFs that matched but could not be read (vanished mid-read, unreadable attributes). */
  unreadable: Array<{ pci: PciAddress; error: VfkeeperError }>;
}

/** The host's part of an observation: everything but the forwarder's relays. */
export interface HostObservation {
  observed: Omit<Observed, 'forwarder' | 'othersVfs'>;
  unreadable: ObserveResult['unreadable'];
}

export interface ObserveOptions {
  /**
   * false (a per-PF run) leaves out what only full runs act on: the socket
   * directory and the firmware links, whose own file watches wake a full
   * run. That keeps the cost of one udev event to the PF's own reads.
   */
  hostWide: boolean;
  /**
   * 'count-changes' (a reconcile run): every process's descriptors are read
   * only for a PF whose VF count its rule would change, the one decision
   * that needs them (the workload guard); on a hypervisor that read is the
   * costly part of each pass. Default 'always' (status shows the holders).
   */
  holders?: 'always' | 'count-changes';
}

/**
 * The host and the forwarder together (status, libvirt-xml): the forwarder
 * is waited for at most forwarder.relay_deadline_ms, then reported pending.
 */
export async function observe(
  host: Host,
  config: Config,
  forwarder: Forwarder | null,
  options: ObserveOptions = { hostWide: true },
): Promise<ObserveResult> {
  const relays = new ForwarderRead(config, forwarder);
  relays.start();
  const seen = await observeHost(host, config, options);
  return withForwarder(host, seen, await relays.wait());
}

/** The host alone: sysfs, the firmware links, the socket directory, the relay number record. */
export async function observeHost(host: Host, config: Config, options: ObserveOptions = { hostWide: true }): Promise<HostObservation> {
  // Every process's descriptors are read only when there is a VF (a PF that
  // just appeared has none), and once per observation. A scan that fails is
  // passed on as failed (observe-pf.ts): the guard must not read it as idle.
  let scan: Promise<Map<string, string[]>> | null = null;
  const groups: ReadVfioGroups = () => (scan ??= host.workload.openVfioGroups());
  const [{ pfs, unreadable, ruleMatches }, firmware, vfioLoaded, sockets, numbers, staticVfs] = await Promise.all([
    observePfs(host, config, groups, options.holders ?? 'always'),
    config.firmware.guard === 'off' || !options.hostWide ? { tree: null, error: null } : observeFirmware(host, config),
    host.sysfs.exists(pciDriver('vfio-pci')),
    config.forwarder.enabled && options.hostWide ? observeSockets(host, config) : null,
    observeRelayNumbers(host),
    config.forwarder.enabled ? observeStaticVfs(host, config.forwarder.envFile) : null,
  ]);
  return {
    observed: { pfs, firmwareLinks: firmware.tree, firmwareError: firmware.error, vfioLoaded, sockets, ...numbers, staticVfs, ruleMatches },
    unreadable,
  };
}

/** A host observation completed with the forwarder's answer (or why there is none). */
export async function withForwarder(host: Host, seen: HostObservation, forwarder: ObservedForwarder): Promise<ObserveResult> {
  const othersVfs = await findOthersVfs(host, seen.observed.pfs, forwarder);
  return { observed: { ...seen.observed, forwarder, othersVfs }, unreadable: seen.unreadable };
}

async function observePfs(
  host: Host,
  config: Config,
  groups: ReadVfioGroups,
  holders: NonNullable<ObserveOptions['holders']>,
): Promise<{ pfs: ObservedPf[]; unreadable: ObserveResult['unreadable']; ruleMatches: PciAddress[][] }> {
  const pfs: ObservedPf[] = [];
  const unreadable: ObserveResult['unreadable'] = [];
  const { managed, ruleMatches, rules } = await findManagedPfs(host, config);
  const needsHolders = (pci: PciAddress) => (count: { numVfs: number; totalVfs: number }) => {
    const rule = rules.get(pci);
    return holders === 'always' || rule === undefined || count.numVfs !== (rule.vfs === 'max' ? count.totalVfs : rule.vfs);
  };
  const read = (pci: PciAddress) =>
    observePf(host, pci, groups, needsHolders(pci)).then(
      (pf) => ({ pf }),
      (e: unknown) => ({ pci, error: asVfkeeperError(e, 'ERR_OBSERVE') }),
    );
  for (const r of await Promise.all(managed.map(read))) {
    if ('pf' in r) pfs.push(r.pf);
    else unreadable.push(r);
  }
  return { pfs, unreadable, ruleMatches };
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
  if (!(await host.sysfs.exists(pciDevice(pci)))) return false;
  const physfn = await ifAbsent(() => host.sysfs.readLink(pciAttr(pci, 'physfn')), null);
  // Not a VF (a relay on some other device): not ours either way.
  if (physfn === null) return true;
  return host.sysfs.exists(pciDevice(basename(physfn)));
}

async function observeRelayNumbers(host: Host): Promise<Pick<Observed, 'relayNumbers' | 'relayNumbersError'>> {
  try {
    return { relayNumbers: await host.relayNumbers.read(), relayNumbersError: null };
  } catch (e) {
    return { relayNumbers: new Map(), relayNumbersError: asVfkeeperError(e).message };
  }
}

/** The forwarder's static VFs, or why they are unknown (the planner then changes no relay). */
async function observeStaticVfs(host: Host, file: string): Promise<ObservedStaticVfs> {
  try {
    return { file, entries: await host.staticVfs.read(file), error: null };
  } catch (e) {
    return { file, entries: [], error: asVfkeeperError(e).message };
  }
}

async function observeSockets(host: Host, config: Config): Promise<ObservedSockets> {
  const dir = config.forwarder.socketDir;
  let entries: ObservedSockets['entries'];
  try {
    entries = await host.files.listSockets(dir);
  } catch (e) {
    return { dir, entries: [], owner: null, ownerError: null, listError: asVfkeeperError(e).message };
  }
  try {
    return { dir, entries, owner: await host.files.resolveOwner(config.forwarder.socketOwner), ownerError: null, listError: null };
  } catch (e) {
    return { dir, entries, owner: null, ownerError: asVfkeeperError(e).message, listError: null };
  }
}

/**
 * The firmware links, or why they could not be read. An absent directory is
 * nothing to guard (this NIC's firmware is installed elsewhere, or none is);
 * an unreadable one is reported, and the VF work goes on without it.
 */
async function observeFirmware(host: Host, config: Config): Promise<{ tree: FirmwareTree | null; error: string | null }> {
  try {
    return { tree: await ifAbsent(() => host.firmware.readTree(config.firmware.dir, config.firmware.flavour), null), error: null };
  } catch (e) {
    return { tree: null, error: asVfkeeperError(e).message };
  }
}
