// Scenario 6, the hooks without the daemon: vfkeeper.service stopped (and
// masked for the scenario, so the udev rule cannot start it again), the VFs
// removed by hand (sriov_numvfs 0) and the MTU set to 1500. `nmcli device
// down` + `up` runs the NM hook, which finds no daemon and reconciles the
// PF itself, under the run lock: the chain comes back, logged by the hook's
// own vfkeeper process.
import { runChecked } from '../lib/exec.js';
import { devicePath, writeSysfs } from '../lib/sysfs.js';
import { readActiveState, runSystemctl, waitForActiveState } from '../lib/systemctl.js';
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { pickJournalFields, readJournalCursor, readUnitJournalAfter, waitForJournal, type JournalEntry } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { PF, PF_NETDEV, UNIT, runIp, type IgbContext } from './context.js';
import type { I6Facts } from './facts.js';
import { VFKEEPER_ENTRIES, disruptAndRepair } from './repair.js';

export async function runHooksAlone(ctx: IgbContext): Promise<void> {
  await ctx.rec.step('i6 systemctl stop vfkeeper; mask --runtime (the rule cannot start it)', async () => {
    await runSystemctl(['stop', UNIT]);
    await runSystemctl(['mask', '--runtime', UNIT]);
    await waitForActiveState(UNIT, 'inactive', 30_000);
  });
  const cursor = await readJournalCursor();
  try {
    const repair = await disruptAndRepair(
      ctx,
      'i6 sriov_numvfs 0 and MTU 1500 by hand, daemon stopped, nmcli device down + up',
      async () => {
        await writeSysfs(devicePath(PF, 'sriov_numvfs'), '0');
        await runIp(['link', 'set', 'dev', PF_NETDEV, 'mtu', '1500']);
        await runChecked(['nmcli', 'device', 'down', PF_NETDEV], { timeoutMs: 90_000 });
        await runChecked(['nmcli', 'device', 'up', PF_NETDEV], { timeoutMs: 90_000 });
      },
      { matches: VFKEEPER_ENTRIES, quiet: false },
    );
    const unitState = await readActiveState(UNIT);
    expectEqual('vfkeeper.service after the repair', unitState, 'inactive');
    // The hook's process may still be logging its run's end.
    const ended = (e: readonly JournalEntry[]) => e.some((x) => x.MESSAGE_ID === messageIdFor('run.end') && x.VFKEEPER_CONVERGED === '1');
    const allEntries = (await waitForJournal(cursor, VFKEEPER_ENTRIES, ended, 'a converged run of the hook', 60_000)).map(
      pickJournalFields,
    );
    const underUnit = (await readUnitJournalAfter(cursor, UNIT)).map(pickJournalFields);
    const facts: I6Facts = { unitState, repair, allEntries, underUnit };
    ctx.rec.fact('i6', facts);
  } finally {
    await runSystemctl(['unmask', '--runtime', UNIT]);
    await runSystemctl(['start', UNIT], 240_000);
  }
}
