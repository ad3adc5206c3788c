// The daemon in this process on a simulated host (NFP PFs of 4 VFs each, no
// forwarder), fed by the simulated kernel's own udev-shaped events as the
// real daemon is by udev; `seen` keeps every event it was given.
import { Daemon } from '../../src/daemon/daemon.js';
import { followSimKernel } from '../../src/events/sim-udev.js';
import type { WakeEvent } from '../../src/events/types.js';
import { createSimHost, type SimHost } from '../../src/host/sim/sim-host.js';
import { createSimState } from '../../src/host/sim/state.js';
import { defaultConfig, type Config } from '../../src/model/config.js';
import { MemoryLogger } from './events/memory-logger.js';

const config: Config = { ...defaultConfig(), forwarder: { ...defaultConfig().forwarder, enabled: false } };

/**
 * Started (its start-up run done); `pauseFile` is where its pause state
 * goes; `beforeStart` sees the host and the daemon before the first run.
 */
export async function startSimDaemon(pfs: number, pauseFile: string, beforeStart?: (host: SimHost, daemon: Daemon) => void) {
  const host = createSimHost(createSimState({ pfs, totalVfs: 4, numVfs: 0, firmware: 'sriov-2.1.14' }));
  const logger = new MemoryLogger();
  const seen: WakeEvent[] = [];
  const daemon = new Daemon({
    config,
    loadConfig: async () => config,
    host,
    forwarder: null,
    logger,
    pauseFile,
    notifyReady: () => undefined,
  });
  const simulation = host.simulation;
  if (simulation === null) throw new Error('the simulated host has no simulation');
  const unfollow = followSimKernel(simulation, (e) => {
    seen.push(e);
    daemon.onEvent(e);
  });
  beforeStart?.(host, daemon);
  await daemon.start();
  const messages = (re: RegExp) => logger.entries.filter((e) => re.test(e.message)).map((e) => e.message);
  return {
    host,
    simulation,
    daemon,
    logger,
    seen,
    /** "Reconcile run X started (...)", in order. */
    runs: () => messages(/^Reconcile run \w+ started/),
    /** Each run's VFKEEPER_CAUSE (the events behind it, described), in order. */
    causes: () =>
      logger.entries.filter((e) => /^Reconcile run \w+ started/.test(e.message)).map((e) => String(e.fields?.VFKEEPER_CAUSE ?? '')),
    /** "Reconcile run X finished: ...", in order. */
    finished: () => messages(/^Reconcile run \w+ finished/),
    stop: async () => (unfollow(), await daemon.stop()),
  };
}
