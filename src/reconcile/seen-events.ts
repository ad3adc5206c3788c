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
// A PF's change (the kernel's uevent when SR-IOV is enabled or disabled)
// says only that something changed; on a PF the observation shows, what
// matters of it is said again by its VFs' add and remove events, judged
// on their own. Everything else (unbind, remove, a VF's change) is news.
import type { WakeEvent } from '../events/types.js';
import type { Observed } from '../model/observed.js';

export function isNews(event: WakeEvent, observed: Observed | null): boolean {
  if (observed === null || event.source !== 'udev' || event.kind !== 'pci') return true;
  const driver = observedDriver(observed, event.pci);
  if (driver === undefined) return true;
  if (event.action === 'add') return false;
  if (event.action === 'bind') return event.driver === null || driver !== event.driver;
  if (event.action === 'change') return !observed.pfs.some((pf) => pf.pci === event.pci);
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
