// observe() reads every process's descriptors (the workload guard's view)
// only when there is a VF to be held, and at most once per observation: on
// a hypervisor that read is the costly part of a run.
import { describe, expect, it } from 'vitest';
import { observe } from '../../../src/reconcile/observe.js';
import { reconcile } from '../../../src/reconcile/run.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
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
