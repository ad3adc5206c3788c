// A PF whose driver is still probing (a hotplug, a rescan, a driver
// reload): the kernel makes the PF's `driver` link before it calls the
// probe, and a NIC driver registers the PF's netdev inside the probe, while
// sriov_numvfs is answered under the device lock the probe holds. Modelled
// on the simulated host: the count's read waits for the "probe", and the
// PF's net directory appears when the probe ends. A run that read the PF
// then must see its netdev: seen without one, the planner binds the VFs
// and sets their MACs only afterwards (found on igb in the guest,
// bench/RESULTS.md 0f).
import { describe, expect, it } from 'vitest';
import { HostError } from '../../../src/host/host-error.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { Host } from '../../../src/host/types.js';
import { parsePciAddress } from '../../../src/model/pci.js';
import { observePf } from '../../../src/reconcile/observe-pf.js';

const PF = '0000:02:00.0';

function probingHost(): { host: Host; netdev: string | null } {
  const state = createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' });
  const sim = createSimHost(state);
  let probed = false;
  const probe = new Promise<void>((resolve) =>
    setTimeout(() => {
      probed = true;
      resolve();
    }, 20),
  );
  const sysfs: Host['sysfs'] = {
    ...sim.sysfs,
    async read(path) {
      if (path === `bus/pci/devices/${PF}/sriov_numvfs`) await probe;
      return sim.sysfs.read(path);
    },
    async list(path) {
      if (path === `bus/pci/devices/${PF}/net` && !probed) {
        throw new HostError('ERR_SYSFS_ENOENT', `Could not list ${path}: ENOENT`, { path, errno: 'ENOENT' });
      }
      return sim.sysfs.list(path);
    },
  };
  return { host: { ...sim, sysfs }, netdev: state.pfs[0]?.netdev ?? null };
}

/**
 * The probe starts just after the count was read (the kernel attached the
 * driver between two of our reads): from then on the driver link is there,
 * the netdev not yet, and the count would wait for the probe's end.
 */
function probeStartingHost(): Host {
  const sim = createSimHost(createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' }));
  let phase: 'none' | 'probing' = 'none';
  const absent = (path: string) => new HostError('ERR_SYSFS_ENOENT', `Could not read ${path}: ENOENT`, { path, errno: 'ENOENT' });
  const sysfs: Host['sysfs'] = {
    ...sim.sysfs,
    async read(path) {
      if (path === `bus/pci/devices/${PF}/sriov_numvfs` && phase === 'none') {
        const value = await sim.sysfs.read(path);
        phase = 'probing';
        return value;
      }
      return sim.sysfs.read(path);
    },
    async readLink(path) {
      if (path === `bus/pci/devices/${PF}/driver` && phase === 'none') throw absent(path);
      return sim.sysfs.readLink(path);
    },
    async list(path) {
      if (path === `bus/pci/devices/${PF}/net`) throw absent(path);
      return sim.sysfs.list(path);
    },
  };
  return { ...sim, sysfs };
}

describe('a PF read while its driver probes', () => {
  it('is never seen with a driver but without the netdev its probe is registering', async () => {
    const pf = await observePf(probeStartingHost(), parsePciAddress(PF), () => Promise.resolve(new Map()));
    // Seen before the probe: no driver yet, so the planner waits for its bind.
    expect([pf.driver, pf.netdev]).toEqual([null, null]);
  });

  it('is read once the probe is over: with the netdev the probe registered', async () => {
    const { host, netdev } = probingHost();
    expect(netdev).not.toBeNull();
    const pf = await observePf(host, parsePciAddress(PF), () => Promise.resolve(new Map()));
    expect(pf.driver).not.toBeNull();
    expect(pf.netdev).toBe(netdev);
  });
});
