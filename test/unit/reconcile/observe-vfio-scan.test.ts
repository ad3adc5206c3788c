// observe() reads every process's descriptors (the workload guard's view)
// only when there is a VF to be held, and at most once per observation: on
// a hypervisor that read is the costly part of a run.
import { describe, expect, it } from 'vitest';
import { observe } from '../../../src/reconcile/observe.js';
import { reconcile } from '../../../src/reconcile/run.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import { HostError } from '../../../src/host/host-error.js';
import type { Host } from '../../../src/host/types.js';
import { defaultConfig } from '../../../src/model/config.js';
import { MemoryLogger } from '../../helpers/events/memory-logger.js';

const config = { ...defaultConfig(), forwarder: { ...defaultConfig().forwarder, enabled: false } };

function counted(numVfs: number) {
  const sim = createSimHost(createSimState({ pfs: 2, totalVfs: 8, numVfs, firmware: 'sriov-2.1.14' }));
  let scans = 0;
  const host: Host = { ...sim, workload: { openVfioGroups: () => (scans++, sim.workload.openVfioGroups()) } };
  return { host, sim, scans: () => scans };
}

describe('the vfio holder scan', () => {
  it('is skipped when no PF has a VF (PFs that just appeared)', async () => {
    const none = counted(0);
    expect((await observe(none.host, config, null)).observed.pfs).toHaveLength(2);
    expect(none.scans()).toBe(0);
  });

  it('runs once per observation when VFs are on vfio-pci, and names a VM holding one', async () => {
    const { host, sim, scans } = counted(0);
    await reconcile({ host, forwarder: null, config, logger: new MemoryLogger() }, { event: 'cli' });
    const before = scans();
    const first = (await observe(host, config, null)).observed.pfs[0]?.vfs[1];
    expect(scans() - before).toBe(1);
    sim.kernel.state.openVfioGroups[first?.iommuGroup ?? ''] = ['qemu-system-x86[4242]'];
    const held = (await observe(host, config, null)).observed.pfs[0]?.vfs[1];
    expect(held?.vfioHolders).toEqual(['qemu-system-x86[4242]']);
    expect(scans() - before).toBe(2);
  });
});

describe('the vfio holder scan in a reconcile run', () => {
  it('is skipped for a PF that has the count its rule wants, and made for one whose count would change', async () => {
    const { host, sim, scans } = counted(0);
    const ctx = { host, forwarder: null, config, logger: new MemoryLogger() };
    await reconcile(ctx, { event: 'cli' });
    const before = scans();
    const converged = await reconcile(ctx, { event: 'timer' });
    expect(converged.converged).toBe(true);
    expect(scans() - before).toBe(0);

    // A VM holds a VF and the rule now wants 4: the guard needs the holders, and has them.
    const vf = (await observe(host, config, null)).observed.pfs[0]?.vfs[1];
    sim.kernel.state.openVfioGroups[vf?.iommuGroup ?? ''] = ['qemu-system-x86[4242]'];
    const fewer = { ...config, pfs: config.pfs.map((r) => ({ ...r, vfs: 4 })) };
    const counting = scans();
    const report = await reconcile({ ...ctx, config: fewer }, { event: 'cli' });
    expect(scans() - counting).toBeGreaterThan(0);
    expect(report.refusals).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'ERR_GUARD_VF_IN_USE', why: expect.stringContaining('qemu-system-x86[4242]') }),
      ]),
    );
    expect(sim.kernel.state.pfs[0]?.numVfs).toBe(8);
  });
});

describe('a vfio holder scan that fails', () => {
  it('is not read as "nobody holds a VF": the PF is observed with the reason, and a run refuses the count change', async () => {
    const sim = createSimHost(createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' }));
    await sim.sysfs.write('bus/pci/devices/0000:02:00.0/sriov_numvfs', '2\n');
    const written = sim.kernel.state.writes.length;
    const denied = new HostError('ERR_WORKLOAD_SCAN', 'Could not read /proc/4242/fd (EACCES)', { path: '/proc/4242/fd', errno: 'EACCES' });
    const host: Host = { ...sim, workload: { openVfioGroups: () => Promise.reject(denied) } };
    const pf = (await observe(host, config, null)).observed.pfs[0];
    expect(pf?.vfs).toHaveLength(2);
    expect(pf?.workloadError).toContain('EACCES');
    const report = await reconcile({ host, forwarder: null, config, logger: new MemoryLogger() }, { event: 'cli' });
    expect(report.refusals).toEqual([expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_WORKLOAD_UNKNOWN' })]);
    expect(sim.kernel.state.pfs[0]?.numVfs).toBe(2);
    expect(sim.kernel.state.writes.slice(written).filter((w) => w.path.endsWith('sriov_numvfs'))).toEqual([]);
  });
});
