// The workload guards of one PF's plan (design.md, "The workload guard"):
// what makes a count change or a rebind wait, or refuse, because something
// may be using the VFs it would remove or take away: a VM holding a VFIO
// group, a relay with a VM connected, relays or workloads that cannot be
// read (never read as none), relays left to their owner (relays: observe),
// the forwarder's own static VFs, and devices in the way of new VFs.
// Pure: observed state in, a refusal or null out.
import type { ObservedPf, ObservedRelay } from '../model/observed.js';
import type { PfRule } from '../model/config.js';
import type { Refusal } from '../model/step.js';
import { formatStaticVfs, type ObservedStaticVfs } from '../model/static-vfs.js';

/**
 * Drivers through which a userspace dataplane (virtio-forwarder's DPDK)
 * drives a VF: a VF on one of them may carry a relay.
 */
const USERSPACE_DRIVERS: ReadonlySet<string> = new Set(['vfio-pci', 'uio_pci_generic', 'igb_uio']);

export function isRebindUnderRelay(vf: ObservedPf['vfs'][number], rule: PfRule): boolean {
  return vf.driver !== null && vf.driver !== rule.vfDriver && USERSPACE_DRIVERS.has(vf.driver);
}

export function rebindRefusal(pf: ObservedPf, rule: PfRule, held: ObservedPf['vfs']): Refusal {
  const list = held.map((v) => `${v.pci} (${v.driver ?? 'unbound'})`).join(', ');
  return {
    kind: 'guard',
    pf: pf.pci,
    code: 'ERR_GUARD_RELAYS_UNKNOWN',
    why: `Not rebinding ${list} to ${rule.vfDriver}: the forwarder's relays are unknown, so a relay may be using them`,
    hint: RELAYS_UNKNOWN_HINT,
  };
}

const RELAYS_UNKNOWN_HINT =
  'the change waits for virtio-forwarder to answer (systemctl status virtio-forwarder); or run `vfkeeper reconcile --force` if you know no relay carries these VFs';

export interface CountChangeContext {
  /** The forwarder's relays; null = unknown. */
  relays: ObservedRelay[] | null;
  /** The relays attached to this PF's VFs now. */
  attached: ObservedRelay[];
  force: boolean;
  /** relays: observe: vfkeeper never detaches a relay. */
  handsOff: boolean;
}

/** Whether the VF count of pf may go through 0 to wanted: null when it may. */
export function checkCountChange(
  pf: ObservedPf,
  wanted: number,
  { relays, attached, force, handsOff }: CountChangeContext,
): Refusal | null {
  // relays: observe never detaches, so not even --force may guess them away.
  if (relays === null && (!force || handsOff)) {
    return {
      kind: 'guard',
      pf: pf.pci,
      code: 'ERR_GUARD_RELAYS_UNKNOWN',
      why: `Not changing the VF count of ${pf.pci} from ${pf.numVfs} to ${wanted}: the forwarder's relays are unknown, so a relay may be using its VFs`,
      hint: RELAYS_UNKNOWN_HINT,
    };
  }
  const inUse = [
    ...pf.vfs.filter((v) => v.vfioHolders.length > 0).map((v) => `${v.pci} is open by ${v.vfioHolders.join(', ')}`),
    ...attached.filter((r) => r.vmConnected).map((r) => `relay ${r.virtioId} (${r.vf}) has a VM connected`),
  ];
  if (pf.workloadError !== null && !force) {
    return {
      kind: 'guard',
      pf: pf.pci,
      code: 'ERR_GUARD_WORKLOAD_UNKNOWN',
      why: `Not changing the VF count of ${pf.pci} from ${pf.numVfs} to ${wanted}: cannot tell whether its VFs are in use (${pf.workloadError})`,
      hint: 'vfkeeper reads /proc/*/fd to find VMs holding /dev/vfio groups: it needs CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE (see units/vfkeeper.service and any drop-in); or run `vfkeeper reconcile --force` if you know no VF is in use',
    };
  }
  if (inUse.length > 0 && !force) {
    return {
      kind: 'guard',
      pf: pf.pci,
      code: 'ERR_GUARD_VF_IN_USE',
      why: `Not changing the VF count of ${pf.pci} from ${pf.numVfs} to ${wanted}: ${inUse.join('; ')}`,
      hint: 'shut down the VMs using these VFs, or run `vfkeeper reconcile --force` to tear them down anyway',
    };
  }
  if (handsOff && attached.length > 0) {
    return {
      kind: 'guard',
      pf: pf.pci,
      code: 'ERR_GUARD_RELAYS_OBSERVED',
      why: `Not changing the VF count of ${pf.pci} from ${pf.numVfs} to ${wanted}: relays ${attached.map((r) => r.virtioId).join(', ')} carry its VFs and relays: observe leaves them to their owner`,
      hint: 'have the orchestrator detach these relays first; vfkeeper never detaches a relay with relays: observe',
    };
  }
  return null;
}

/**
 * The workload guard for the forwarder's static VFs: a new count goes
 * through 0 and so removes every VF of the PF, including those the forwarder
 * attached by itself; vfkeeper never detaches their relays, so the change
 * waits until they are out of VIRTIOFWD_STATIC_VFS (not even --force: the
 * relay is the forwarder's). An unreadable list is not an empty one.
 */
export function checkStaticVfs(
  pf: ObservedPf,
  wanted: number,
  statics: ObservedStaticVfs | null,
  force: boolean,
): { refusal: Refusal } | null {
  if (statics === null || pf.numVfs === 0) return null;
  const change = `Not changing the VF count of ${pf.pci} from ${pf.numVfs} to ${wanted}`;
  if (statics.error !== null) {
    if (force) return null;
    return {
      refusal: {
        kind: 'guard',
        pf: pf.pci,
        code: 'ERR_GUARD_STATIC_UNKNOWN',
        why: `${change}: the forwarder's static VFs are unknown (${statics.error})`,
        hint: `fix VIRTIOFWD_STATIC_VFS in ${statics.file}, or run \`vfkeeper reconcile --force\` if none of its VFs is listed there`,
      },
    };
  }
  const owned = statics.entries.filter((s) => pf.vfs.some((v) => v.pci === s.pci));
  if (owned.length === 0) return null;
  return {
    refusal: {
      kind: 'guard',
      pf: pf.pci,
      code: 'ERR_GUARD_STATIC_VF',
      why: `${change}: the forwarder owns ${owned.map((s) => `${s.pci} (relay ${s.virtioId})`).join(', ')} (VIRTIOFWD_STATIC_VFS in ${statics.file}), and removing the VFs would pull them from under it`,
      hint: `take ${formatStaticVfs(owned)} out of VIRTIOFWD_STATIC_VFS in ${statics.file} and systemctl restart virtio-forwarder, then vfkeeper reconcile`,
    },
  };
}

/**
 * Never write a count whose VFs would land on devices already there: the
 * kernel fails the write (EEXIST in its log, ENOENT to us) and a second
 * attempt hits a BUG in pci_iov_add_virtfn that hangs every PCI writer.
 * Not even with --force.
 */
export function checkStrayVfs(pf: ObservedPf, predicted: ObservedPf['vfs']): Refusal | null {
  const inTheWay = pf.strayVfs.filter((pci) => predicted.some((v) => v.pci === pci));
  if (inTheWay.length === 0) return null;
  return {
    kind: 'blocked',
    pf: pf.pci,
    code: 'ERR_STRAY_VFS',
    why: `${pf.pci} cannot create ${predicted.length} VFs: ${inTheWay.join(', ')} already exist without being its VFs (left behind when it was removed with VFs enabled)`,
    hint: `remove the whole device and rescan: echo 1 > /sys/bus/pci/devices/<the port above ${pf.pci}>/remove; echo 1 > /sys/bus/pci/rescan (or reboot)`,
  };
}
