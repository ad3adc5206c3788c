// Whether an event tells the daemon anything its last observation did not.
// The events a run's own writes cause (its VFs' add, their bind to
// vfio-pci, the PF's bind while it is being read) arrive while the run is
// still going or just after; once the run has read their result, another
// run would find nothing to do, and would compete with udev's settle for
// the CPU. Pure: judged against the last observation only.
//
// Why dropping these is sound: udev hands a device's events over in order,
// and an observation is a fresh read. If an event merely restates what the
// observation shows (the device present, on that driver), either it
// happened before the read (the read includes it), or the device left that
// state after the read and came back, and leaving it was an event of its
// own (an unbind, a remove) that does not match: that one wakes the run.
// A change (the kernel's uevent when a PF's SR-IOV is enabled or disabled;
// on each new VF once it is bound, seen on the real kernel in bench-floor,
// where those eight woke a second run of every PF appearance) says only
// that something changed. On a device the observation shows, what a run
// acts on is said by other events, judged on their own: presence by add
// and remove, the driver by bind and unbind; a VF's MAC and settings are
// set through its PF's netdev, which raises no PCI event at all. A PF's
// netdev appearing or being renamed (net add, move: igb's eth0 becoming
// enp1s0) is no news once the observation shows the PF with that very
// name, settled: a later rename is a move of its own, to another name.
// Everything else (unbind, remove, a netdev's change) is news.
import type { WakeEvent } from '../events/types.js';
import type { Observed } from '../model/observed.js';

export function isNews(event: WakeEvent, observed: Observed | null): boolean {
  if (observed === null || event.source !== 'udev') return true;
  if (event.kind === 'net') return !isSettledPfNetdev(event, observed);
  if (event.kind !== 'pci') return true;
  const driver = observedDriver(observed, event.pci);
  if (driver === undefined) return true;
  if (event.action === 'add') return false;
  if (event.action === 'bind') return event.driver === null || driver !== event.driver;
  if (event.action === 'change') return false;
  return true;
}

/** The driver the observation shows for a managed PF or one of its VFs (null: none); undefined: not seen. */
function observedDriver(observed: Observed, pci: string): string | null | undefined {
  for (const pf of observed.pfs) {
    if (pf.pci === pci) return pf.driver;
    const vf = pf.vfs.find((v) => v.pci === pci);
    if (vf !== undefined) return vf.driver;
  }
  return undefined;
}

/** A net add or move naming a PF's netdev as the observation shows it, settled. */
function isSettledPfNetdev(event: Extract<WakeEvent, { kind: 'net' }>, observed: Observed): boolean {
  if (event.action !== 'add' && event.action !== 'move') return false;
  return observed.pfs.some((pf) => pf.pci === event.pci && pf.netdev === event.netdev && pf.netdevSettled);
}
