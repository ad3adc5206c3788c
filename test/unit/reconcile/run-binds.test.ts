// The run's VF binds on the simulated host: together, at most
// VF_CONCURRENCY at once, their journal entries after the writes, and a
// failure that would hit every VF failing once (the PF's first VF goes alone).
import { describe, expect, it } from 'vitest';
import { withWriteDeadline } from '../../../src/host/deadline-sysfs.js';
import { HostError } from '../../../src/host/host-error.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { Host } from '../../../src/host/types.js';
import { defaultConfig, type Config } from '../../../src/model/config.js';
import { reconcile } from '../../../src/reconcile/run.js';
import { VF_CONCURRENCY } from '../../../src/reconcile/step-batches.js';
import { MemoryLogger } from '../../helpers/events/memory-logger.js';

const noForwarder: Config = { ...defaultConfig(), forwarder: { ...defaultConfig().forwarder, enabled: false } };
const simulated = (totalVfs: number) => createSimHost(createSimState({ pfs: 1, totalVfs, numVfs: 0, firmware: 'sriov-2.1.14' }));
const tick = () => new Promise((r) => setImmediate(r));

/** The host's drivers_probe writes held open a turn of the event loop each, counting how many are in flight. */
function countingProbes(host: Host, order: string[]) {
  let inFlight = 0;
  let most = 0;
  const write = async (path: string, value: string) => {
    if (!path.endsWith('/drivers_probe')) return host.sysfs.write(path, value);
    order.push(`probe ${value.trim()}`);
    most = Math.max(most, ++inFlight);
    await tick();
    try {
      return await host.sysfs.write(path, value);
    } finally {
      inFlight--;
    }
  };
  return { host: { ...host, sysfs: { ...host.sysfs, write } }, most: () => most };
}

describe('binding a PF\u2019s VFs', () => {
  it('binds them together, at most VF_CONCURRENCY at once, and journals them after the writes, in plan order', async () => {
    const sim = simulated(16);
    const order: string[] = [];
    const probes = countingProbes(sim, order);
    const logger = new MemoryLogger();
    const log = logger.log.bind(logger);
    logger.log = (e) => (e.fields?.['VFKEEPER_STEP'] === 'bind-driver' && order.push('journal'), log(e));
    // The write deadline the daemon puts around sysfs, outermost as there.
    const host: Host = { ...probes.host, sysfs: withWriteDeadline(probes.host.sysfs, 10_000) };
    const report = await reconcile({ host, forwarder: null, config: noForwarder, logger }, { event: 'cli' });
    expect(report.converged).toBe(true);
    expect(sim.kernel.state.pfs[0]?.vfs.map((v) => v.driver)).toEqual(Array(16).fill('vfio-pci'));
    expect(probes.most()).toBe(VF_CONCURRENCY);
    // Every probe before the first bind's journal entry.
    expect(order.indexOf('journal')).toBe(16);
    // Each VF's MAC before its bind, VF after VF, as planned.
    const vfSteps = report.steps.flatMap((s) =>
      s.step.kind === 'bind-driver' || s.step.kind === 'set-vf-mac' ? [`${s.step.kind} ${s.step.index}`] : [],
    );
    expect(vfSteps).toEqual(Array.from({ length: 16 }, (_, i) => [`set-vf-mac ${i}`, `bind-driver ${i}`]).flat());
  });

  it('fails once and skips the PF\u2019s other binds when the first cannot bind (no IOMMU), as one at a time did', async () => {
    const sim = simulated(6);
    const probe = (path: string, value: string) =>
      path.endsWith('/drivers_probe')
        ? Promise.reject(new HostError('ERR_SYSFS_EINVAL', `Could not write ${path}: EINVAL`, { path, errno: 'EINVAL' }))
        : sim.sysfs.write(path, value);
    const host: Host = { ...sim, sysfs: { ...sim.sysfs, write: probe } };
    const report = await reconcile({ host, forwarder: null, config: noForwarder, logger: new MemoryLogger() }, { event: 'cli' });
    const binds = report.steps.filter((s) => s.step.kind === 'bind-driver').map((s) => s.result);
    expect(binds).toEqual(['failed', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(report.exitStatus).toBe(1);
  });
});
