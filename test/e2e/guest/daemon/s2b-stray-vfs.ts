// Scenario 2b: the PF removed alone (`echo 1 > .../0000:01:00.0/remove`)
// while its VFs are enabled, then the bus rescanned. nvme does not disable
// SR-IOV when it lets go of a device, so the kernel keeps the VFs (they have
// no remove file of their own); when the PF comes back, its new VFs would
// land on them: the kernel fails that count, and crashes on a second try
// (BUG in pci_iov_add_virtfn, every later PCI operation hangs). vfkeeper
// must see them, refuse with the reason and the fix, never write the count,
// and keep running. Last in the boot: only a reboot, or removing the port
// above the PF, clears them.
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { readChainState, waitForChain } from '../lib/chain.js';
import { pickJournalFields, readJournalAfter, readJournalCursor, type JournalEntry } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { PCI_BUS, devicePath, isPresent, readDriver, writeSysfs } from '../lib/sysfs.js';
import { readUnitProperties, runSystemctl } from '../lib/systemctl.js';
import { PF, UNIT, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { ChainFacts, S2bFacts } from './facts.js';

const WAIT_MS = 120_000;
const isStrayRefusal = (e: JournalEntry): boolean => e.MESSAGE_ID === messageIdFor('refusal.blocked.ERR_STRAY_VFS');

async function removePfAlone({ rec, forwarder }: DaemonContext, before: ChainFacts): Promise<S2bFacts['leftBehind']> {
  return rec.step(`s2b: echo 1 > ${devicePath(PF, 'remove')} with ${before.vfs.length} VFs: the PF goes, its VFs stay`, async () => {
    await writeSysfs(devicePath(PF, 'remove'), '1');
    await waitForChain(
      PF,
      forwarder,
      (s) => !s.pfPresent && s.relays !== null && Object.keys(s.relays).length === 0,
      'the PF gone and no relay attached',
      { timeoutMs: WAIT_MS },
    );
    const left = [];
    for (const vf of before.vfs) {
      if (!(await isPresent(devicePath(vf.pci)))) continue;
      left.push({
        pci: vf.pci,
        driver: (await readDriver(vf.pci)) ?? null,
        physfn: await readlink(devicePath(vf.pci, 'physfn')).catch(() => null),
      });
    }
    expectEqual('VFs left behind by the PF', left.length, before.vfs.length);
    return left;
  });
}

async function rescan(
  { rec, forwarder }: DaemonContext,
  cursor: string,
): Promise<{ rescanned: ChainFacts; entries: Record<string, string>[] }> {
  return rec.step('s2b: rescan: the PF is back, vfkeeper refuses to create VFs over the ones left behind, and says why', async () => {
    await writeSysfs(join(PCI_BUS, 'rescan'), '1');
    await waitForDaemonEntries(cursor, (e) => e.some(isStrayRefusal), 'a refusal for the VFs left behind', WAIT_MS);
    // A second attempt is what would crash the kernel. The daemon does not
    // retry a refusal only a reboot lifts on its back-off (run-outcome.ts),
    // so one is asked for: a reload makes a full run.
    await runSystemctl(['reload', UNIT]);
    const entries = await waitForDaemonEntries(
      cursor,
      (e) => e.filter(isStrayRefusal).length >= 2,
      'two refusals for the VFs left behind',
      WAIT_MS,
    );
    const rescanned = await readChainState(PF, forwarder);
    expectEqual('PF back', rescanned.pfPresent, true);
    expectEqual('sriov_numvfs of the PF back', rescanned.numvfs, 0);
    expectEqual('sriov_numvfs writes', entries.filter((e) => e.VFKEEPER_STEP === 'set-numvfs').length, 0);
    return { rescanned, entries };
  });
}

export async function runStrayVfs(ctx: DaemonContext): Promise<void> {
  const { rec, forwarder } = ctx;
  const before = await readChainState(PF, forwarder);
  const cursor = await readJournalCursor();
  const leftBehind = await removePfAlone(ctx, before);
  const { rescanned, entries } = await rescan(ctx, cursor);
  const kernel = await rec.step('s2b: the kernel is intact: no duplicate VF, no BUG; the daemon still runs', async () => {
    const messages = (await readJournalAfter(cursor, ['_TRANSPORT=kernel'])).map((e) => pickJournalFields(e).MESSAGE ?? '');
    const bad = messages.filter((m) => /duplicate filename|kernel BUG|invalid opcode|Call Trace/.test(m));
    expectEqual('kernel complaints', bad.join(' | '), '');
    return messages;
  });
  const unit = await readUnitProperties(UNIT, ['ActiveState', 'NRestarts', 'MainPID']);
  const facts: S2bFacts = { leftBehind, rescanned, entries, kernel, unit };
  rec.fact('s2b', facts);
}
