// Hung sysfs writes must not starve the process. Five PFs whose VF driver
// blocks in write(2) for real (their `unbind` is a FIFO, in a sysfs-shaped
// temporary tree, whose pipe is full: the write blocks in the kernel), and
// two healthy PFs on the simulated kernel whose state file is written after
// every change (file operations on libuv's pool, as the daemon's state,
// pause and configuration files are). With libuv's four threads held by
// hung writes, nothing else that touches a file would ever finish.
import { closeSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { withWriteDeadline } from '../../src/host/deadline-sysfs.js';
import { createRealSysfs } from '../../src/host/real/sysfs.js';
import { poolWriteShare } from '../../src/host/real/sysfs-writer.js';
import { createSimHost } from '../../src/host/sim/sim-host.js';
import { createSimState } from '../../src/host/sim/state.js';
import type { Host } from '../../src/host/types.js';
import { observe } from '../../src/reconcile/observe.js';
import { reconcile } from '../../src/reconcile/run.js';
import { buildStatus } from '../../src/report/status.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { fullFifo } from '../helpers/full-fifo.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

const STUCK = 5;
const DEADLINE_MS = 300;
const STUCK_UNBIND = /^bus\/pci\/drivers\/stuck\d+\/unbind$/;

let t: TempDir;
const fifoFds: number[] = [];
afterEach(() => {
  // Closing the only reader ends every blocked write (EPIPE): the threads return.
  for (const fd of fifoFds.splice(0)) closeSync(fd);
  t.remove();
});

describe('hung sysfs writes', () => {
  it('five PFs stuck in write(2): the other PFs still converge, files are still read and written, and status answers', async () => {
    t = tempDir('vfkh-');
    const state = createSimState({ pfs: STUCK + 2, totalVfs: 2, numVfs: 0, firmware: 'sriov-2.1.14' });
    const sim = createSimHost(state, { file: t.path('host.json'), durable: true });
    for (let i = 0; i < STUCK; i++) {
      const pf = state.pfs[i];
      if (!pf) throw new Error('no PF');
      pf.vfDriverName = `stuck${i}`;
      state.loadedDrivers.push(pf.vfDriverName);
      await sim.kernel.setNumVfs(pf, '2', 'sriov_numvfs');
      mkdirSync(t.path(`sys/bus/pci/drivers/stuck${i}`), { recursive: true });
      fullFifo(t.path(`sys/bus/pci/drivers/stuck${i}/unbind`), fifoFds);
    }
    // The daemon's writer: its share of libuv's pool (two of this process's four threads), then threads.
    const real = createRealSysfs({
      root: t.path('sys'),
      explicit: true,
      env: {},
      writer: 'thread',
      poolWrites: poolWriteShare(process.env),
    });
    const routed = { ...sim.sysfs, write: (p: string, v: string) => (STUCK_UNBIND.test(p) ? real.write(p, v) : sim.sysfs.write(p, v)) };
    const host: Host = { ...sim, sysfs: withWriteDeadline(routed, DEADLINE_MS) };
    writeFileSync(t.path('c.yaml'), `forwarder: { enabled: false }\nfirmware: { dir: ${t.path('fw')}, guard: off }\n`);
    const config = await loadConfig(t.path('c.yaml'));
    const logger = new MemoryLogger();

    const report = await reconcile({ host, forwarder: null, config, logger }, { event: 'timer' });

    const timedOut = report.steps.filter((s) => s.error?.code === 'ERR_SYSFS_TIMEOUT').map((s) => s.step.kind);
    expect(timedOut).toEqual(Array.from({ length: STUCK }, () => 'bind-driver'));
    const healthy = state.pfs.slice(STUCK).flatMap((pf) => pf.vfs.map((v) => v.driver));
    expect(healthy).toEqual(['vfio-pci', 'vfio-pci', 'vfio-pci', 'vfio-pci']);
    // The state file (written through libuv's pool) has the healthy PFs' VFs.
    const saved = JSON.parse(await readFile(t.path('host.json'), 'utf8')) as typeof state;
    expect(saved.pfs.slice(STUCK).map((pf) => pf.numVfs)).toEqual([2, 2]);
    // status: observe and the view it prints, with the five writes still blocked.
    const seen = await observe(host, config, null, { hostWide: true });
    const view = buildStatus(config, seen.observed, { paused: false, reason: null });
    expect(view.pfs).toHaveLength(STUCK + 2);
  });
});
