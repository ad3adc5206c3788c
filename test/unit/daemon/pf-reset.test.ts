// The PF reset each count write causes (igb resets the PF: its carrier
// drops and comes back, with no uevent), as networkd-dispatcher turns it
// into hooks: every carrier regained is a `routable` hook for the PF. The
// daemon's own re-creation of the VFs resets the PF, so those hooks come
// from its own writes; they must wake at most a run each that finds
// nothing to do, never a loop (the real kernel's scenario is igb i4).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pciAttr } from '../../../src/host/sysfs-paths.js';
import type { PciAddress } from '../../../src/model/pci.js';
import { startSimDaemon } from '../../helpers/sim-daemon.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

const PF = '0000:02:00.0' as PciAddress;
let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

async function startDaemon() {
  const carrier: string[] = [];
  let offCarrier: () => unknown = () => undefined;
  // networkd-dispatcher: carrier back means routable again, and its hook runs.
  const d = await startSimDaemon(1, t.path('paused'), (host, daemon) => {
    offCarrier = host.kernel.onCarrier((netdev, up) => {
      carrier.push(`${netdev} ${up ? 'up' : 'down'}`);
      if (up) daemon.onEvent({ source: 'hook', kind: 'netdev', netdev, action: 'routable' });
    });
  });
  /** Idle, and still idle once every hook the resets caused has been delivered. */
  const settle = async () => {
    for (let i = 0; i < 3; i++) {
      await d.daemon.idle();
      await new Promise((r) => setImmediate(r));
    }
    await d.daemon.idle();
  };
  return { ...d, carrier, started: d.runs, settle, stop: async () => (offCarrier(), await d.stop()) };
}

describe('the PF reset of a count write (no uevent; the dispatcher hook fires)', () => {
  it('the simulated kernel drops and restores an up PF carrier on each count write', async () => {
    const d = await startDaemon();
    try {
      await d.settle();
      const pf = d.host.kernel.state.pfs[0];
      expect(pf?.up).toBe(true);
      expect(pf?.numVfs).toBe(4);
      // The start-up run created the VFs on an up PF: one reset.
      expect(d.carrier).toEqual([`${pf?.netdev} down`, `${pf?.netdev} up`]);
    } finally {
      await d.stop();
    }
  });

  it('sriov_numvfs 0 by hand: the daemon re-creates the VFs, the resets\u2019 hooks wake runs with nothing to do, and the runs stop', async () => {
    const d = await startDaemon();
    try {
      await d.settle();
      const [runsBefore, carrierBefore] = [d.started().length, d.carrier.length];
      await d.host.sysfs.write(pciAttr(PF, 'sriov_numvfs'), '0\n');
      await waitFor(async () => (await d.settle(), d.host.kernel.state.pfs[0]?.numVfs === 4), 'the VFs re-created', 10_000);
      await d.settle();
      const netdev = d.host.kernel.state.pfs[0]?.netdev ?? '';
      // Two resets: the hand's write and the daemon's re-creation (which may
      // come before the first carrier is back); nothing after.
      expect(d.carrier.slice(carrierBefore).sort()).toEqual([`${netdev} down`, `${netdev} down`, `${netdev} up`, `${netdev} up`]);
      const runs = d.finished().slice(runsBefore);
      // One run did the work; every other one found nothing to do.
      expect(runs.filter((r) => !/ 0 steps done/.test(r))).toHaveLength(1);
      // Bounded: the run that works, one more for the udev events it left,
      // and at most one per hook (two resets, two hooks).
      expect(runs.length).toBeLessThanOrEqual(4);
      const settledRuns = d.started().length;
      await d.settle();
      expect(d.started().length).toBe(settledRuns);
      expect(d.host.kernel.state.pfs[0]?.vfs.map((v) => v.driver)).toEqual(Array(4).fill('vfio-pci'));
    } finally {
      await d.stop();
    }
  });
});
