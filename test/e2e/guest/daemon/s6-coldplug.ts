// Scenario 6, coldplug: vfkeeper stopped, then `udevadm trigger
// --action=add` on the PF, as at boot: the installed rule's
// SYSTEMD_WANTS=vfkeeper.service must start the daemon, with no systemctl
// command typed, and it must come up ready.
import { runChecked, runCommand } from '../lib/exec.js';
import { readJournalAfter, readJournalCursor, pickJournalFields } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { devicePath } from '../lib/sysfs.js';
import { readActiveState, runSystemctl, waitForActiveState } from '../lib/systemctl.js';
import { readElapsedMs } from '../lib/wait.js';
import { PF, UNIT, hasMessage, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { S6Facts } from './facts.js';

const START_MS = 180_000;

export async function runColdplug(ctx: DaemonContext): Promise<void> {
  const { rec } = ctx;
  const before = await rec.step('s6: systemctl stop vfkeeper', async () => {
    await runSystemctl(['stop', UNIT]);
    const state = await readActiveState(UNIT);
    expectEqual('vfkeeper after stop', state, 'inactive');
    return state;
  });
  const cursor = await readJournalCursor();
  const after = await rec.step(`s6: udevadm trigger --action=add ${PF}: vfkeeper started by the rule, active`, async () => {
    const since = performance.now();
    await runChecked(['udevadm', 'trigger', '--action=add', devicePath(PF)], { timeoutMs: 30_000 });
    // `trigger --settle` hung once on these guests: settle apart, bounded.
    await runCommand(['udevadm', 'settle', '-t', '30'], { timeoutMs: 40_000 });
    const state = await waitForActiveState(UNIT, 'active', START_MS);
    rec.timing('s6 udevadm trigger --action=add -> vfkeeper active (READY=1)', readElapsedMs(since));
    return state;
  });
  const entries = await rec.step('s6: journal: systemd started the unit, the daemon ran and is ready', async () => {
    const daemon = await waitForDaemonEntries(cursor, (e) => hasMessage(e, 'daemon.ready'), 'the daemon ready', 60_000);
    const systemd = (await readJournalAfter(cursor, [`UNIT=${UNIT}`, '_PID=1'])).map(pickJournalFields);
    expectEqual(
      `systemd "Starting ${UNIT}" entries`,
      systemd.some((e) => e.JOB_TYPE === 'start'),
      true,
    );
    return [...systemd, ...daemon];
  });
  const facts: S6Facts = { before, after, entries };
  rec.fact('s6', facts);
}
