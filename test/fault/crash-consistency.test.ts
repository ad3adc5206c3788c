// Crash consistency: the daemon killed (SIGKILL) at every boundary between
// two sysfs writes of a full reconcile in turn, then started again. Each
// time the host file is whole, the pause file is intact, and the restarted
// daemon converges: every VF on vfio-pci with its relay back. The cut comes
// from the simulated host itself (state.crashAfterWrites), so it lands
// exactly after the k-th write is on disk.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SimState } from '../../src/host/sim/state.js';
import { DaemonRig } from '../helpers/daemon.js';
import { VF_CONCURRENCY } from '../../src/reconcile/step-batches.js';

const VFS = 4;
const readState = (rig: DaemonRig): SimState => JSON.parse(readFileSync(rig.state, 'utf8')) as SimState;

/** A fresh host whose power goes after `k` writes (none: Infinity); returns how many writes a full reconcile made. */
async function crashAt(k: number): Promise<number> {
  const rig = new DaemonRig();
  try {
    await rig.setUp(['--vfs', String(VFS)]);
    const state = readState(rig);
    if (Number.isFinite(k)) writeFileSync(rig.state, JSON.stringify({ ...state, crashAfterWrites: k }));
    await rig.start().catch(() => undefined);
    if (Number.isFinite(k)) {
      expect(await rig.exit).toBe(137);
      rig.child = null;
      const cut = readState(rig);
      // Killed after the k-th write; the other VFs' writes already in flight then (binds go
      // VF_CONCURRENCY at a time) may land too.
      expect(cut.writes.length).toBeGreaterThanOrEqual(k);
      expect(cut.writes.length).toBeLessThan(k + VF_CONCURRENCY);
      expect(cut.crashAfterWrites).toBeUndefined();
      await rig.start();
    }
    await rig.waitConverged(VFS, `convergence after a cut at write ${k}`);
    const status = await rig.status();
    expect(status.paused).toBe(false);
    return readState(rig).writes.filter((w) => w.result === 'ok').length;
  } finally {
    await rig.tearDown();
  }
}

describe('crash consistency', () => {
  it('killed after each write of a full reconcile in turn, it converges when started again', async () => {
    const total = await crashAt(Infinity);
    expect(total).toBeGreaterThanOrEqual(2 + 2 * VFS);
    for (let k = 1; k < total; k++) await crashAt(k);
  }, 600_000);

  it('killed while paused, it is still paused after the restart, with its reason', async () => {
    const rig = new DaemonRig();
    try {
      await rig.setUp(['--vfs', String(VFS)]);
      await rig.start();
      await rig.waitConverged(VFS, 'the start-up reconcile');
      expect((await rig.cli(['pause', '--reason', 'maintenance window'])).status).toBe(0);
      expect(await rig.stop('SIGKILL')).toBe(137);
      await rig.start();
      expect(await rig.status()).toMatchObject({ paused: true, pause_reason: 'maintenance window' });
      expect((await rig.cli(['resume'])).status).toBe(0);
      await rig.waitConverged(VFS, 'still converged after resume');
    } finally {
      await rig.tearDown();
    }
  }, 120_000);
});
