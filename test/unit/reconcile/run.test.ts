// The run loop on a simulated host (src/reconcile/run.ts): what a user sees
// in its report and journal when a step fails, when the forwarder is gone,
// and when the host never settles.
import { describe, expect, it } from 'vitest';
import { ForwarderError } from '../../../src/dataplane/forwarder-error.js';
import type { Forwarder } from '../../../src/dataplane/types.js';
import { HostError } from '../../../src/host/host-error.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { Host } from '../../../src/host/types.js';
import { defaultConfig, type Config } from '../../../src/model/config.js';
import type { ObservedRelay } from '../../../src/model/observed.js';
import { reconcile } from '../../../src/reconcile/run.js';
import { MemoryLogger } from '../../helpers/events/memory-logger.js';

const noForwarder: Config = { ...defaultConfig(), forwarder: { ...defaultConfig().forwarder, enabled: false } };

function simulated(pfs = 1, totalVfs = 4) {
  return createSimHost(createSimState({ pfs, totalVfs, numVfs: 0, firmware: 'sriov-2.1.14' }));
}

/** The simulated host, with every write to paths ending in `suffix` failing as the kernel would. */
function failingWrites(host: Host, suffix: string, errno = 'EIO'): Host {
  const write = (path: string, value: string) =>
    path.endsWith(suffix)
      ? Promise.reject(new HostError(`ERR_SYSFS_${errno}`, `Could not write ${path}: ${errno}`, { path, errno }))
      : host.sysfs.write(path, value);
  return { ...host, sysfs: { ...host.sysfs, write } };
}

describe('a failed step', () => {
  it('skips the later steps of its PF, lets the other PF converge, and the run exits 1', async () => {
    const sim = simulated(2);
    const host = failingWrites(sim, '0000:02:00.0/sriov_numvfs');
    const logger = new MemoryLogger();
    const report = await reconcile({ host, forwarder: null, config: noForwarder, logger }, { event: 'cli' });
    const ofPf = (pf: string) => report.steps.filter((s) => 'pf' in s.step && s.step.pf === pf).map((s) => `${s.step.kind}:${s.result}`);
    const first = ofPf('0000:02:00.0');
    expect(first.slice(0, 3)).toEqual(['set-link-up:ok', 'set-autoprobe:ok', 'set-numvfs:failed']);
    // Its VFs' MACs and binds build on the count: skipped, with the reason, not tried.
    expect(first.slice(3).length).toBeGreaterThanOrEqual(4);
    expect(first.slice(3).every((s) => s.endsWith(':skipped'))).toBe(true);
    expect(report.steps.find((s) => s.result === 'skipped')?.reason).toBe('an earlier step for 0000:02:00.0 failed');
    expect(ofPf('0000:03:00.0').filter((s) => s.endsWith(':failed') || s.endsWith(':skipped'))).toEqual([]);
    expect(sim.kernel.state.pfs[1]?.vfs.map((v) => v.driver)).toEqual(Array(4).fill('vfio-pci'));
    expect(report.converged).toBe(false);
    expect(report.exitStatus).toBe(1);
    expect(logger.entries.filter((e) => e.fields?.['VFKEEPER_RESULT'] === 'failed')).toHaveLength(1);
  });
});

describe('a forwarder that is gone', () => {
  it('is asked once: the other relay steps are skipped, not each waited out', async () => {
    const sim = simulated(1, 3);
    let attaches = 0;
    const gone: Forwarder = {
      readRelays: async (): Promise<ObservedRelay[]> => [],
      attach: async () => {
        attaches++;
        throw new ForwarderError('ERR_FORWARDER_TIMEOUT', 'no reply from ipc:///x within 2000 ms');
      },
      detach: async () => undefined,
      close: async () => undefined,
    };
    const report = await reconcile({ host: sim, forwarder: gone, config: defaultConfig(), logger: new MemoryLogger() }, { event: 'cli' });
    const relaySteps = report.steps.filter((s) => s.step.kind === 'attach-relay').map((s) => s.result);
    expect(attaches).toBe(1);
    expect(relaySteps).toEqual(['failed', 'skipped', 'skipped']);
    // The VF work is not held up by it.
    expect(sim.kernel.state.pfs[0]?.vfs.map((v) => v.driver)).toEqual(Array(3).fill('vfio-pci'));
    expect(report.exitStatus).toBe(1);
  });
});

describe('a host that never settles', () => {
  it('gives up after four passes, not converged, exit 1', async () => {
    const sim = simulated(1, 2);
    let linkUps = 0;
    // `ip link set up` answers success and the link stays down: every pass plans it again.
    const host: Host = { ...sim, net: { ...sim.net, setLinkUp: async () => void linkUps++ } };
    const report = await reconcile({ host, forwarder: null, config: noForwarder, logger: new MemoryLogger() }, { event: 'cli' });
    expect(linkUps).toBe(4);
    expect(report.converged).toBe(false);
    expect(report.exitStatus).toBe(1);
  });
});
