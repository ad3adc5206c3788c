// The daemon's event path on the simulated host, driven by the simulated
// kernel's own udev-shaped events as on a real host: a PF's arrival wakes
// a run for that PF alone, the events its own writes cause wake no second
// run, and news (a VF taken off vfio-pci) still does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pciDriver } from '../../../src/host/sysfs-paths.js';
import type { PciAddress } from '../../../src/model/pci.js';
import { startSimDaemon } from '../../helpers/sim-daemon.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';
import { waitFor } from '../../helpers/wait-for.js';

let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

const startDaemon = (pfs: number) => startSimDaemon(pfs, t.path('paused'));

describe('the event path', () => {
  it('a PF that comes back wakes one run for that PF alone; its VFs\u2019 own add and bind events wake none', async () => {
    const d = await startDaemon(2);
    try {
      await d.simulation.apply('remove', '0000:02:00.0');
      await d.daemon.idle();
      const [before, eventsBefore] = [d.runs().length, d.seen.length];
      await d.simulation.apply('rescan', undefined);
      // The PF comes back as eth0 and udev renames it a moment later (as on igb): the
      // first run waits for the rename, the rename's event wakes the one that acts.
      await waitFor(async () => (await d.daemon.idle(), d.host.kernel.state.pfs[0]?.vfs.length === 4), 'the VFs to be back', 10_000);
      await d.daemon.idle();
      const woke = d.runs().slice(before);
      const vfEvents = d.seen.slice(eventsBefore).filter((e) => e.kind === 'pci' && e.physfn !== null);
      // The run's writes did cause VF events (add and bind), and they started nothing.
      expect(vfEvents.filter((e) => e.kind === 'pci' && e.action === 'add')).toHaveLength(4);
      expect(vfEvents.filter((e) => e.kind === 'pci' && e.action === 'bind')).toHaveLength(4);
      expect(woke.length).toBeGreaterThanOrEqual(1);
      // At most one per PF event that brought news (the add and bind, eth0 appearing, the rename); none for the 8 VF events.
      expect(woke.length).toBeLessThanOrEqual(3);
      for (const run of woke) expect(run).toMatch(/\(0000:02:00\.0, woken by udev\)/);
      expect(d.host.kernel.state.pfs[0]?.vfs.map((v) => v.driver)).toEqual(Array(4).fill('vfio-pci'));
      // What woke each run is in its start entry: the PF's own events, never one of its VFs'.
      const vfs = d.host.kernel.state.pfs[0]?.vfs.map((v) => v.pci) ?? [];
      const causes = d.causes().slice(before);
      expect(causes[0]).toMatch(/^udev (add|bind) 0000:02:00\.0/);
      for (const cause of causes) for (const vf of vfs) expect(cause).not.toContain(vf);

      // The real kernel then raises a change on each bound VF (bench-floor): no news either.
      const quiet = d.runs().length;
      for (const vf of vfs)
        d.daemon.onEvent({
          source: 'udev',
          kind: 'pci',
          action: 'change',
          pci: vf,
          driver: 'vfio-pci',
          pciId: null,
          physfn: '0000:02:00.0' as PciAddress,
        });
      await d.daemon.idle();
      expect(d.runs().slice(quiet)).toEqual([]);
    } finally {
      await d.stop();
    }
  });

  it('a VF taken off vfio-pci is news: a run puts it back', async () => {
    const d = await startDaemon(1);
    try {
      const before = d.runs().length;
      const vf = d.host.kernel.state.pfs[0]?.vfs[1]?.pci ?? '';
      await d.host.sysfs.write(pciDriver('vfio-pci', 'unbind'), `${vf}\n`);
      await d.daemon.idle();
      expect(d.runs().length - before).toBe(1);
      expect(d.host.kernel.state.pfs[0]?.vfs[1]?.driver).toBe('vfio-pci');
    } finally {
      await d.stop();
    }
  });
});
