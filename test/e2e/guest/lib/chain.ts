// The SR-IOV chain as the guest sees it, read straight from the kernel and
// the forwarder (never from vfkeeper): the PF's VFs, their drivers, IOMMU
// groups and /dev/vfio nodes, and the forwarder's attached relays. Scenarios
// poll it to time how long vfkeeper takes to converge.
import { join } from 'node:path';
import type { Forwarder } from '../../../../src/dataplane/types.js';
import { isRelayAttached } from '../../../../src/model/observed.js';
import { devicePath, isPresent, readAttribute, readDriver, readIommuGroup, readVirtfns } from './sysfs.js';
import { readElapsedMs, waitFor } from './wait.js';

export interface ChainVf {
  pci: string;
  driver: string | null;
  iommuGroup: string | null;
  /** /dev/vfio/<group> exists. */
  vfioNode: boolean;
}

export interface ChainState {
  pfPresent: boolean;
  numvfs: number;
  vfs: ChainVf[];
  /** Attached relays: virtio id -> VF, from the forwarder's stats; null when it does not answer. */
  relays: Record<number, string> | null;
}

async function readChainVf(pci: string): Promise<ChainVf> {
  const driver = (await readDriver(pci)) ?? null;
  const iommuGroup = await readIommuGroup(pci).catch(() => null);
  return { pci, driver, iommuGroup, vfioNode: iommuGroup !== null && (await isPresent(join('/dev/vfio', iommuGroup))) };
}

export async function readAttachedRelays(forwarder: Forwarder): Promise<Record<number, string> | null> {
  try {
    const relays = await forwarder.readRelays();
    return Object.fromEntries(relays.filter(isRelayAttached).map((r) => [r.virtioId, r.vf ?? '']));
  } catch {
    return null;
  }
}

export async function readChainState(pf: string, forwarder: Forwarder): Promise<ChainState> {
  const relays = await readAttachedRelays(forwarder);
  if (!(await isPresent(devicePath(pf)))) return { pfPresent: false, numvfs: 0, vfs: [], relays };
  const numvfs = Number(await readAttribute(pf, 'sriov_numvfs').catch(() => '0'));
  const vfs = await Promise.all((await readVirtfns(pf).catch(() => [])).map(readChainVf));
  return { pfPresent: true, numvfs, vfs, relays };
}

/**
 * vfkeeper's goal for `count` VFs with relays: auto: every VF on vfio-pci
 * with its /dev/vfio node, VF i on relay i+1, and no other relay attached.
 */
export function isConverged(state: ChainState, count: number): boolean {
  if (!state.pfPresent || state.numvfs !== count || state.vfs.length !== count || state.relays === null) return false;
  if (!state.vfs.every((vf) => vf.driver === 'vfio-pci' && vf.vfioNode)) return false;
  const wanted = state.vfs.map((vf, i) => [i + 1, vf.pci] as const);
  return Object.keys(state.relays).length === count && wanted.every(([id, pci]) => state.relays?.[id] === pci);
}

export interface Converged {
  state: ChainState;
  /** From the call to convergence, polled every 100 ms. */
  ms: number;
}

/** Polls the chain until `done` holds; the time is measured from `since` (a performance.now() value). */
export async function waitForChain(
  pf: string,
  forwarder: Forwarder,
  done: (s: ChainState) => boolean,
  what: string,
  options: { timeoutMs: number; since?: number },
): Promise<Converged> {
  const since = options.since ?? performance.now();
  const state = await waitFor(
    async () => {
      const s = await readChainState(pf, forwarder);
      return done(s) ? s : undefined;
    },
    { what, timeoutMs: options.timeoutMs, intervalMs: 100 },
  );
  return { state, ms: readElapsedMs(since) };
}

/** Every VF on vfio-pci and the relays as `relays: auto` wants them. */
export function waitForConverged(
  pf: string,
  forwarder: Forwarder,
  count: number,
  options: { timeoutMs: number; since?: number },
): Promise<Converged> {
  return waitForChain(
    pf,
    forwarder,
    (s) => isConverged(s, count),
    `${count} VFs of ${pf} on vfio-pci with relays 1..${count} attached`,
    options,
  );
}
