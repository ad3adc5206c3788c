// Relays (design.md step 5): each wanted relay whose VF is (or will be, once
// this plan ran) on vfio-pci is attached if the forwarder does not already
// show it; relays pointing at a VF that is gone or no longer wanted are
// detached, but never one with a VM connected unless forced, nor one that
// carries a live VF of a PF vfkeeper does not manage on a number it does not
// claim. With `relays: auto` each VF's number comes from relay-numbers.ts,
// so it does not move when other PFs come and go. The forwarder's static
// VFs (VIRTIOFWD_STATIC_VFS) and their relay numbers are its own: never
// detached, attached or given to another VF; a configured relay that
// claims one is left to the forwarder with a warning. Pure.
import type { Config } from '../model/config.js';
import { isRelayAttached, type ObservedPf, type ObservedRelay } from '../model/observed.js';
import { vfAddress, type PciAddress } from '../model/pci.js';
import type { Refusal, Step } from '../model/step.js';
import { findStatic, type StaticVf } from '../model/static-vfs.js';

export interface WantedRelay {
  virtioId: number;
  vf: PciAddress | null;
  pf: PciAddress | null;
}

export interface RelayPlanInput {
  config: Config;
  pfs: ObservedPf[];
  /** Every VF as it will be after the PF steps: pci -> driver, and its PF. */
  vfsAfter: Map<PciAddress, { driver: string | null; pf: PciAddress }>;
  /** Relays as the forwarder will have them after the PF steps (detaches applied). */
  relays: ObservedRelay[];
  /** Present VFs of PFs vfkeeper does not manage (Observed.othersVfs). */
  othersVfs: ReadonlySet<PciAddress>;
  /** relays: auto: each VF's number (relay-numbers.ts); a VF without one gets no relay. */
  numbers: ReadonlyMap<PciAddress, number>;
  force: boolean;
  /** The forwarder's static VFs, from `staticFile` (VIRTIOFWD_STATIC_VFS). */
  statics?: readonly StaticVf[];
  staticFile?: string;
}

export function wantedRelays(
  config: Config,
  pfs: ObservedPf[],
  vfsAfter: RelayPlanInput['vfsAfter'],
  numbers: ReadonlyMap<PciAddress, number>,
): WantedRelay[] {
  // Hands off: the orchestrator's relays are not "wanted" by vfkeeper, only seen.
  if (config.relays === 'observe') return [];
  if (config.relays === 'auto') {
    return [...vfsAfter].flatMap(([vf, v]) => {
      const virtioId = numbers.get(vf);
      return virtioId === undefined ? [] : [{ virtioId, vf, pf: v.pf }];
    });
  }
  return config.relays.map((r) => {
    if ('pci' in r.vf) return { virtioId: r.virtioId, vf: r.vf.pci, pf: vfsAfter.get(r.vf.pci)?.pf ?? null };
    const ref = r.vf;
    const pf = pfs.find((p) => p.netdev === ref.pf || p.pci === ref.pf);
    return { virtioId: r.virtioId, vf: pf ? vfAddress(pf.pci, pf.vfOffset, pf.vfStride, ref.index) : null, pf: pf?.pci ?? null };
  });
}

export function planRelays(input: RelayPlanInput): { steps: Step[]; refusals: Refusal[] } {
  const statics = input.statics ?? [];
  const all = wantedRelays(input.config, input.pfs, input.vfsAfter, input.numbers);
  const overlaps = planStaticOverlaps(all, statics, input.staticFile ?? "the forwarder's environment file");
  const wanted = all.filter((w) => findStatic(statics, { vf: w.vf, virtioId: w.virtioId }) === undefined);
  const ready = wanted.filter(
    (w): w is WantedRelay & { vf: PciAddress; pf: PciAddress } =>
      w.vf !== null && w.pf !== null && input.vfsAfter.get(w.vf)?.driver === 'vfio-pci',
  );
  const steps: Step[] = [];
  const refusals: Refusal[] = [...overlaps];
  // The forwarder's static relays are not ours to tear down, whatever they carry.
  const attached = input.relays.filter((r) => isRelayAttached(r) && findStatic(statics, { vf: r.vf, virtioId: r.virtioId }) === undefined);
  const wantedIds = new Set(wanted.map((w) => w.virtioId));
  for (const r of attached) {
    if (ready.some((w) => w.virtioId === r.virtioId && w.vf === r.vf)) continue;
    // Another PF's live VF on a number the configuration does not claim:
    // not ours (a half-written configuration matching no PF must not
    // detach every relay).
    if (r.vf !== null && input.othersVfs.has(r.vf) && !wantedIds.has(r.virtioId)) continue;
    if (r.vmConnected && !input.force) {
      refusals.push({
        kind: 'guard',
        pf: null,
        virtioId: r.virtioId,
        code: 'ERR_GUARD_VM_CONNECTED',
        why: `Not detaching relay ${r.virtioId} from ${r.vf}: a VM is connected`,
        hint: 'shut the VM down first, or use --force',
      });
      continue;
    }
    const why =
      r.vf !== null && input.vfsAfter.get(r.vf)?.driver === 'vfio-pci'
        ? `relay ${r.virtioId} is not wanted on ${r.vf}`
        : `its VF ${r.vf} is gone or not on vfio-pci`;
    steps.push({
      kind: 'detach-relay',
      virtioId: r.virtioId,
      vf: r.vf,
      pf: r.vf === null ? null : (input.vfsAfter.get(r.vf)?.pf ?? null),
      why,
    });
  }
  const blockedIds = new Set(refusals.flatMap((r) => (r.kind === 'guard' ? [r.virtioId] : [])));
  for (const w of ready) {
    if (blockedIds.has(w.virtioId) || attached.some((r) => r.virtioId === w.virtioId && r.vf === w.vf)) continue;
    steps.push({ kind: 'attach-relay', virtioId: w.virtioId, vf: w.vf, pf: w.pf, why: `relay ${w.virtioId} should carry ${w.vf}` });
  }
  return { steps, refusals };
}

/** A warning for each wanted relay that claims a static VF or a static relay number: the forwarder keeps it. */
function planStaticOverlaps(wanted: readonly WantedRelay[], statics: readonly StaticVf[], file: string): Refusal[] {
  return wanted.flatMap((w): Refusal[] => {
    const s = findStatic(statics, { vf: w.vf, virtioId: w.virtioId });
    if (s === undefined) return [];
    return [
      {
        kind: 'warning',
        pf: w.pf,
        code: 'ERR_STATIC_VF_OVERLAP',
        why: `Relay ${w.virtioId} (${w.vf ?? 'no VF'}) is left to the forwarder: VIRTIOFWD_STATIC_VFS in ${file} lists ${s.pci}=${s.virtioId}`,
        hint: `take ${s.pci}=${s.virtioId} out of VIRTIOFWD_STATIC_VFS (then systemctl restart virtio-forwarder), or the relay out of relays: in the configuration`,
      },
    ];
  });
}
