// Scenario 5, the workload guard: a VF's /dev/vfio group held open by a
// process of another user (as QEMU holds it), then the wanted count changed
// from max to 2. The kernel takes a new count only from 0, which would tear
// the held VF down: the daemon must refuse (on the file change and on
// `systemctl reload`), change nothing, and say why in the journal; `vfkeeper
// reconcile` exits 3. Once the holder is gone, a reload applies the count.
import { isConverged, readChainState, waitForConverged } from '../lib/chain.js';
import { runChecked } from '../lib/exec.js';
import { readJournalCursor, type JournalEntry } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { runSystemctl } from '../lib/systemctl.js';
import { startVfioHolder, type VfioHolder } from '../lib/vfio-holder.js';
import { CONFIG_PATH, writeConfig } from '../lib/vfkeeper-install.js';
import { PF, UNIT, hasMessage, runVfkeeper, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { S5Facts } from './facts.js';

const WAIT_MS = 120_000;
const NEW_COUNT = 2;
const HOLDER = { user: 'nobody', group: 'nogroup' };
const isGuardRefusal = (e: JournalEntry): boolean => e.VFKEEPER_RESULT === 'refused' && e.VFKEEPER_ERROR === 'ERR_GUARD_VF_IN_USE';

async function holdVf({ rec, forwarder }: DaemonContext): Promise<{ holder: VfioHolder; vf: string }> {
  const state = await readChainState(PF, forwarder);
  const vf = state.vfs[Math.min(1, state.vfs.length - 1)];
  if (vf?.iommuGroup === null || vf === undefined) throw new Error(`${PF} has no VF with an IOMMU group to hold`);
  const holder = await rec.step(`s5: a process of nobody holds /dev/vfio/${vf.iommuGroup} (${vf.pci}) open`, () =>
    startVfioHolder(vf.iommuGroup ?? '', HOLDER, 30_000),
  );
  return { holder, vf: vf.pci };
}

async function changeCount(ctx: DaemonContext): Promise<Record<string, string>[]> {
  const cursor = await readJournalCursor();
  return ctx.rec.step(`s5: vfs: ${NEW_COUNT} in ${CONFIG_PATH} (file watch): refused, the journal says why`, async () => {
    await writeConfig(NEW_COUNT);
    return waitForDaemonEntries(
      cursor,
      (e) => hasMessage(e, 'config.reloaded') && e.some(isGuardRefusal),
      'the configuration reloaded and the guard refusing',
      WAIT_MS,
    );
  });
}

async function reloadRefused(ctx: DaemonContext): Promise<Record<string, string>[]> {
  const cursor = await readJournalCursor();
  return ctx.rec.step('s5: systemctl reload vfkeeper: refused again', async () => {
    await runSystemctl(['reload', UNIT]);
    return waitForDaemonEntries(cursor, (e) => e.some(isGuardRefusal), 'a refusal after the reload', WAIT_MS);
  });
}

async function checkNothingTornDown(ctx: DaemonContext, entries: readonly Record<string, string>[]): Promise<S5Facts['afterRefusal']> {
  return ctx.rec.step('s5: nothing torn down: every VF still on vfio-pci, every relay attached, no count written', async () => {
    const state = await readChainState(PF, ctx.forwarder);
    expectEqual(`all ${ctx.count} VFs on vfio-pci with relays`, isConverged(state, ctx.count), true);
    const disruptive = entries.filter((e) => e.VFKEEPER_STEP === 'set-numvfs' || e.VFKEEPER_STEP === 'detach-relay');
    expectEqual('set-numvfs or detach-relay entries', disruptive.length, 0);
    return state;
  });
}

async function release(ctx: DaemonContext, holder: VfioHolder): Promise<S5Facts['released']> {
  return ctx.rec.step(`s5: the holder gone, systemctl reload: ${NEW_COUNT} VFs on vfio-pci with their relays`, async () => {
    await holder.stop();
    const since = performance.now();
    await runSystemctl(['reload', UNIT]);
    const converged = await waitForConverged(PF, ctx.forwarder, NEW_COUNT, { timeoutMs: WAIT_MS, since });
    ctx.rec.timing(`s5 holder gone, reload -> ${NEW_COUNT} VFs on vfio-pci, relays attached`, converged.ms);
    return converged.state;
  });
}

export async function runGuard(ctx: DaemonContext): Promise<void> {
  const { rec } = ctx;
  const { holder, vf } = await holdVf(ctx);
  try {
    const entries = await changeCount(ctx);
    const reloadEntries = await reloadRefused(ctx);
    const afterRefusal = await checkNothingTornDown(ctx, [...entries, ...reloadEntries]);
    const reconcile = await rec.step('s5: vfkeeper reconcile exits 3 (refused by the workload guard)', async () => {
      const out = await runVfkeeper(['reconcile']);
      expectEqual('vfkeeper reconcile exit status', out.status, 3);
      return out;
    });
    const status = await rec.step(
      's5: vfkeeper status --json',
      async () => JSON.parse((await runVfkeeper(['status', '--json'])).stdout) as unknown,
    );
    const guardId = entries.find(isGuardRefusal)?.MESSAGE_ID ?? '';
    const catalog = (await runChecked(['journalctl', '--list-catalog', guardId], { timeoutMs: 30_000 })).stdout;
    const released = await release(ctx, holder);
    const facts: S5Facts = {
      holder: { pid: holder.pid, comm: holder.comm, node: holder.node, vf },
      entries,
      reloadEntries,
      afterRefusal,
      reconcile,
      status,
      released,
      catalog,
    };
    rec.fact('s5', facts);
  } finally {
    await holder.stop();
  }
}
