// Configuration reloads: a file event that brings nothing new (the edit a
// `vfkeeper reconcile` already applied, an editor touching the file) wakes
// no second run; SIGHUP always reloads and runs; a real change does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Daemon } from '../../../src/daemon/daemon.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import { defaultConfig, type Config } from '../../../src/model/config.js';
import { MemoryLogger } from '../../helpers/events/memory-logger.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

const base: Config = { ...defaultConfig(), forwarder: { ...defaultConfig().forwarder, enabled: false } };
let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

async function startDaemon() {
  let files: Config = base;
  const logger = new MemoryLogger();
  const daemon = new Daemon({
    config: base,
    loadConfig: async () => files,
    host: createSimHost(createSimState({ pfs: 1, totalVfs: 4, numVfs: 0, firmware: 'sriov-2.1.14' })),
    forwarder: null,
    logger,
    pauseFile: t.path('paused'),
    notifyReady: () => undefined,
  });
  await daemon.start();
  await daemon.idle();
  const count = (re: RegExp) => logger.entries.filter((e) => re.test(e.message)).length;
  return {
    daemon,
    write: (c: Config) => (files = c),
    runs: () => count(/^Reconcile run \w+ started/),
    reloads: () => count(/^Configuration reloaded/),
  };
}

const withResync = (seconds: number): Config => ({ ...base, daemon: { ...base.daemon, resyncSeconds: seconds } });

describe('configuration reloads', () => {
  it('a file event after reconcile applied the same files reloads nothing and wakes no run', async () => {
    const d = await startDaemon();
    try {
      d.write(withResync(120));
      await d.daemon.refreshConfig();
      expect(d.reloads()).toBe(1);
      const runs = d.runs();
      await d.daemon.reload('file');
      await d.daemon.idle();
      expect(d.reloads()).toBe(1);
      expect(d.runs()).toBe(runs);
    } finally {
      await d.daemon.stop();
    }
  });

  it('a file event with a change reloads and runs once; SIGHUP reloads and runs even with none', async () => {
    const d = await startDaemon();
    try {
      const runs = d.runs();
      d.write(withResync(90));
      await d.daemon.reload('file');
      await d.daemon.idle();
      expect([d.reloads(), d.runs() - runs]).toEqual([1, 1]);
      await d.daemon.reload();
      await d.daemon.idle();
      expect([d.reloads(), d.runs() - runs]).toEqual([2, 2]);
    } finally {
      await d.daemon.stop();
    }
  });
});
