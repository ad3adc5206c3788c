// Which lane an event wakes: a PF's, all of them, or none (not ours). Pure:
// events are hints; the topology is what the last run observed.
import { ALL, type LaneKey } from './queue.js';
import type { WakeEvent } from '../events/types.js';
import type { Config } from '../model/config.js';
import { findRule } from '../model/match.js';
import type { Observed } from '../model/observed.js';

export interface Topology {
  /** PF pci -> its netdev (managed PFs only). */
  pfs: Map<string, string | null>;
  /** VF pci -> PF pci. */
  vfs: Map<string, string>;
}

export function topologyOf(observed: Observed): Topology {
  return {
    pfs: new Map(observed.pfs.map((pf) => [pf.pci, pf.netdev])),
    vfs: new Map(observed.pfs.flatMap((pf) => pf.vfs.map((vf) => [vf.pci, pf.pci] as const))),
  };
}

export type Scope = { lane: LaneKey } | { ignored: string };

function pfOfNetdev(t: Topology, netdev: string): string | undefined {
  return [...t.pfs].find(([, n]) => n === netdev)?.[0];
}

/** A PCI id "19EE:4000" that a rule manages by id means a PF we do not know yet. */
function isManagedId(config: Config, pciId: string | null, pci: string): boolean {
  const m = pciId === null ? null : /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(pciId);
  if (!m) return config.pfs.some((r) => r.match.pci === pci);
  return findRule(config, { pci, vendor: parseInt(m[1] ?? '', 16), device: parseInt(m[2] ?? '', 16), netdev: null }) !== undefined;
}

/**
 * A managed PF we do not know yet (being added, bound, or changed by the
 * SR-IOV enable of the run it woke): its own lane; a VF of such a PF (its
 * physfn read from sysfs): that PF's lane. The run observes the
 * whole host and acts on that PF alone, so a boot with several PFs handles
 * them side by side (a full run would exclude every other lane), and the
 * kernel's sleeps add up as the slowest PF's, not as their sum.
 */
function isPfEvent(event: Extract<WakeEvent, { kind: 'pci' }>): boolean {
  // A device already gone has no physfn link to read: a PF or a VF, it cannot be told.
  return event.physfn === null && event.action !== 'remove';
}

const isManagedNetdev = (config: Config, netdev: string): boolean => config.pfs.some((r) => r.match.netdev === netdev);

export function scopeOf(event: WakeEvent, topology: Topology, config: Config): Scope {
  switch (event.kind) {
    case 'pci': {
      if (topology.pfs.has(event.pci)) return { lane: event.pci };
      const pf = topology.vfs.get(event.pci) ?? (event.physfn !== null && topology.pfs.has(event.physfn) ? event.physfn : undefined);
      if (pf !== undefined) return { lane: pf };
      if (isManagedId(config, event.pciId, event.pci)) return { lane: isPfEvent(event) ? event.pci : (event.physfn ?? ALL) };
      // A VF the first run of a PF matched by address is creating: that PF is not in the topology until the run ends.
      if (event.physfn !== null && config.pfs.some((r) => r.match.pci === event.physfn)) return { lane: event.physfn };
      if (event.physfn !== null) return { ignored: `${event.pci} is a VF of ${event.physfn}, a PF no rule was seen to manage` };
      return { ignored: `${event.pci} is not a managed PF or one of its VFs` };
    }
    case 'net': {
      const pf = (event.pci !== null && topology.pfs.has(event.pci) ? event.pci : undefined) ?? pfOfNetdev(topology, event.netdev);
      if (pf !== undefined) return { lane: pf };
      // A PF that came back (hotplug, driver reload, boot) is not in the
      // topology yet: its interface appearing under a managed name, or on a
      // PCI address a rule names, is what announces it.
      if (isManagedNetdev(config, event.netdev) || (event.pci !== null && config.pfs.some((r) => r.match.pci === event.pci)))
        return { lane: ALL };
      if (event.pci !== null && topology.vfs.has(event.pci)) return { ignored: `${event.netdev} is a VF's interface` };
      // An interface appearing or renamed (udev's eth0 -> enp2s0np0) on a
      // device the last run did not know: a PF a rule matches by id may be settling.
      // That device's own run decides; a netdev with no PCI parent is not one.
      const byId = config.pfs.some((r) => r.match.vendor !== undefined);
      if (byId && event.pci !== null && (event.action === 'add' || event.action === 'move')) return { lane: event.pci };
      return { ignored: `${event.netdev} is not a managed PF` };
    }
    case 'netdev': {
      const pf = pfOfNetdev(topology, event.netdev);
      if (pf !== undefined) return { lane: pf };
      // A managed-by-name PF that is not up yet (no topology entry) still counts.
      if (isManagedNetdev(config, event.netdev)) return { lane: ALL };
      return { ignored: `${event.netdev} is not a managed PF` };
    }
    default:
      return { lane: ALL };
  }
}
