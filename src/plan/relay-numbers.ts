// Relay numbers for `relays: auto`: which virtio_id each managed VF gets.
// A number, once given to a VF, stays with it: the record (read from the
// host's state, passed in) is kept, and new numbers go only to VFs that
// have none, lowest free first. A relay the forwarder already shows on a
// VF with no record is adopted as it is (a host set up before the record
// existed keeps its numbers). When all of the forwarder's numbers are
// taken, a number recorded for a VF that no longer exists is given again;
// the number of a VF that exists is never taken from it. Pure.
import type { Config } from '../model/config.js';
import { comparePci, type PciAddress } from '../model/pci.js';
import { isRelayAttached, type Observed } from '../model/observed.js';
import { MAX_VIRTIO_ID, MIN_VIRTIO_ID } from '../model/relay-number.js';

export interface RelayNumberInput {
  /** The record as read: VF -> number. */
  recorded: ReadonlyMap<PciAddress, number>;
  /** The managed VFs wanting a relay, in the order new numbers go out (PF by PCI address, then VF index). */
  vfs: readonly PciAddress[];
  /** Relays the forwarder shows attached: number and VF. */
  attached: ReadonlyArray<{ virtioId: number; vf: PciAddress }>;
  /** Numbers never given out: the forwarder's static VFs hold them (VIRTIOFWD_STATIC_VFS). */
  reserved?: ReadonlySet<number>;
}

export interface RelayNumbers {
  /** The record to keep: every number of `recorded` still held, plus those given out now. */
  record: Map<PciAddress, number>;
  /** VFs that got no number: all of the forwarder's numbers are held by VFs that exist. */
  without: PciAddress[];
}

export function assignRelayNumbers(input: RelayNumberInput): RelayNumbers {
  const record = new Map(input.recorded);
  const wanting = new Set(input.vfs);
  const holder = new Map<number, PciAddress>([...record].map(([vf, n]) => [n, vf]));
  const unrecorded = input.vfs.filter((vf) => !record.has(vf));
  for (const r of input.attached) {
    if (!unrecorded.includes(r.vf) || record.has(r.vf) || holder.has(r.virtioId) || input.reserved?.has(r.virtioId)) continue;
    record.set(r.vf, r.virtioId);
    holder.set(r.virtioId, r.vf);
  }
  // Numbers on relays of VFs that are not ours stay theirs (another NIC's, a static forwarder entry).
  const foreign = new Set([
    ...input.attached.filter((r) => !wanting.has(r.vf) && !record.has(r.vf)).map((r) => r.virtioId),
    ...(input.reserved ?? []),
  ]);
  const without: PciAddress[] = [];
  for (const vf of input.vfs) {
    if (record.has(vf)) continue;
    const n = freeNumber(holder, foreign) ?? reclaimable(record, wanting);
    if (n === null) {
      without.push(vf);
      continue;
    }
    const previous = holder.get(n);
    if (previous !== undefined) record.delete(previous);
    record.set(vf, n);
    holder.set(n, vf);
  }
  return { record, without };
}

function freeNumber(holder: ReadonlyMap<number, PciAddress>, foreign: ReadonlySet<number>): number | null {
  for (let n = MIN_VIRTIO_ID; n <= MAX_VIRTIO_ID; n++) if (!holder.has(n) && !foreign.has(n)) return n;
  return null;
}

/** The lowest number recorded for a VF that is gone (no longer wanting a relay), or null. */
function reclaimable(record: ReadonlyMap<PciAddress, number>, wanting: ReadonlySet<PciAddress>): number | null {
  const gone = [...record].filter(([vf]) => !wanting.has(vf)).map(([, n]) => n);
  return gone.length === 0 ? null : Math.min(...gone);
}

/** Whether the record changed (it is then written back before any relay is attached). */
export function isSameRecord(a: ReadonlyMap<PciAddress, number>, b: ReadonlyMap<PciAddress, number>): boolean {
  return a.size === b.size && [...a].every(([vf, n]) => b.get(vf) === n);
}

/**
 * The numbers for this observation's VFs (in PF, then VF order): the record,
 * relays adopted, new ones. The forwarder's static VFs get none from
 * vfkeeper, and their numbers go to no other VF.
 */
export function relayNumbersFor(observed: Observed, vfs: readonly PciAddress[]): RelayNumbers {
  const relays = observed.forwarder.reachable ? observed.forwarder.relays : [];
  const attached = relays.filter(isRelayAttached).flatMap((r) => (r.vf === null ? [] : [{ virtioId: r.virtioId, vf: r.vf }]));
  const statics = observed.staticVfs?.entries ?? [];
  const own = vfs.filter((vf) => !statics.some((s) => s.pci === vf));
  return assignRelayNumbers({ recorded: observed.relayNumbers, vfs: own, attached, reserved: new Set(statics.map((s) => s.virtioId)) });
}

/**
 * What `status` and `libvirt-xml` show for the VFs as they are: the same
 * numbers the next run keeps or gives out (a VF not yet recorded shows the
 * number it will get).
 */
export function currentRelayNumbers(config: Config, observed: Observed): Map<PciAddress, number> {
  if (config.relays !== 'auto') return new Map();
  const pfs = [...observed.pfs].sort((a, b) => comparePci(a.pci, b.pci));
  return relayNumbersFor(
    observed,
    pfs.flatMap((pf) => pf.vfs.map((vf) => vf.pci)),
  ).record;
}
