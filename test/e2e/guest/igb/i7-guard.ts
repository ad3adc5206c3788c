// Scenario 7, the workload guard on a real holder: a process of nobody
// holds VF 1's /dev/vfio group open (as QEMU would), and the configuration
// asks for 4 VFs instead of 7. The kernel takes a new count only from 0,
// which would tear the held VF down: the daemon refuses (journal refusal
// with its catalog entry), `vfkeeper reconcile` exits 3, nothing changes.
// Once the holder has closed it, the next run (`vfkeeper reconcile`) applies
// the count: VFs 0..3 back with their stable MACs.
import { runChecked } from '../lib/exec.js';
import { readJournalCursor, type JournalEntry } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { startVfioHolder } from '../lib/vfio-holder.js';
import { runVfkeeper, waitForDaemonEntries } from '../daemon/context.js';
import { isIgbConverged, readIgbState, type IgbContext } from './context.js';
import type { I7Facts } from './facts.js';
import { disruptAndRepair } from './repair.js';
import { writeIgbConfig } from './setup.js';

const NEW_COUNT = 4;
const HOLDER = { user: 'nobody', group: 'nogroup' };
const isGuardRefusal = (e: JournalEntry): boolean => e.VFKEEPER_RESULT === 'refused' && e.VFKEEPER_ERROR === 'ERR_GUARD_VF_IN_USE';

export async function runGuard(ctx: IgbContext): Promise<void> {
  const { rec } = ctx;
  const before = await readIgbState(ctx.forwarder);
  const vf = before.chain.vfs[1];
  if (vf?.iommuGroup === null || vf === undefined) throw new Error('VF 1 has no IOMMU group to hold');
  const holder = await rec.step(`i7 a process of nobody holds /dev/vfio/${vf.iommuGroup} (${vf.pci}) open`, () => startVfioHolder(vf.iommuGroup ?? '', HOLDER, 30_000));
  try {
    const cursor = await readJournalCursor();
    const refusalEntries = await rec.step(`i7 vfs: ${NEW_COUNT} in the configuration: refused, the journal says why`, async () => {
      await writeIgbConfig('netdev', NEW_COUNT);
      return waitForDaemonEntries(cursor, (e) => e.some(isGuardRefusal), 'the guard refusing', 120_000);
    });
    const reconcile = await rec.step('i7 vfkeeper reconcile exits 3 (refused by the workload guard)', async () => {
      const out = await runVfkeeper(['reconcile']);
      expectEqual('vfkeeper reconcile exit status', out.status, 3);
      return out;
    });
    const afterRefusal = await rec.step('i7 nothing changed: 7 VFs on vfio-pci, relays, MTU, the same MACs', async () => {
      const s = await readIgbState(ctx.forwarder);
      expectEqual('still converged on 7 VFs', isIgbConverged(s, ctx.count, ctx.macs), true);
      return s;
    });
    const catalog = (await runChecked(['journalctl', '--list-catalog', refusalEntries.find(isGuardRefusal)?.MESSAGE_ID ?? '-'], { timeoutMs: 30_000 })).stdout;
    await holder.stop();
    ctx.count = NEW_COUNT;
    ctx.macs.splice(NEW_COUNT);
    const released = await disruptAndRepair(ctx, `i7 the holder gone, vfkeeper reconcile: ${NEW_COUNT} VFs`, async () => {
      const out = await runVfkeeper(['reconcile']);
      expectEqual(`vfkeeper reconcile exit status (${out.stdout.trim().split('\n').at(-1) ?? ''})`, out.status, 0);
    });
    const facts: I7Facts = { holder: { pid: holder.pid, comm: holder.comm, node: holder.node, vf: vf.pci }, refusalEntries, reconcile, afterRefusal, released, catalog };
    rec.fact('i7', facts);
  } finally {
    await holder.stop();
  }
}
