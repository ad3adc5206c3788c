// Scenario 3: `systemctl restart virtio-forwarder`. The forwarder forgets
// every relay added at run time and makes its sockets again as root; the
// daemon follows the unit over D-Bus and must attach every relay again and
// hand the new sockets back to nobody:nogroup, with no command typed.
import { waitForConverged } from '../lib/chain.js';
import { readJournalCursor, type JournalEntry } from '../lib/journal.js';
import { readUnitProperties, runSystemctl } from '../lib/systemctl.js';
import { FORWARDER_UNIT } from '../lib/vfkeeper-install.js';
import { waitFor } from '../lib/wait.js';
import { PF, readSocketOwners, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { S3Facts } from './facts.js';

const REPAIR_MS = 180_000;
/** A run woken by the unit, alone or with the socket directory's file events coalesced into it. */
const isWokenByUnit = (e: JournalEntry): boolean => e.VFKEEPER_EVENT === 'unit' || (e.VFKEEPER_EVENTS ?? '').split(' ').includes('unit');

async function readMainPid(): Promise<string> {
  return (await readUnitProperties(FORWARDER_UNIT, ['MainPID'])).MainPID ?? '';
}

export async function runForwarderRestart(ctx: DaemonContext): Promise<void> {
  const { rec, forwarder, count } = ctx;
  const cursor = await readJournalCursor();
  const pidBefore = await readMainPid();
  const pidAfter = await rec.step('s3: systemctl restart virtio-forwarder: every relay attached again', async () => {
    const since = performance.now();
    await runSystemctl(['restart', FORWARDER_UNIT]);
    const pid = await readMainPid();
    if (pid === pidBefore || pid === '0') throw new Error(`${FORWARDER_UNIT} MainPID ${pid} after the restart (was ${pidBefore})`);
    // Any stats reply from now on comes from the new forwarder, which starts with no relay.
    const converged = await waitForConverged(PF, forwarder, count, { timeoutMs: REPAIR_MS, since });
    rec.timing('s3 forwarder restart -> every relay attached', converged.ms);
    return pid;
  });
  const sockets = await rec.step('s3: the new sockets belong to nobody:nogroup again', () =>
    waitFor(
      async () => {
        const owners = await readSocketOwners();
        return owners.wrong.length === 0 ? owners : undefined;
      },
      { what: 'every socket of the new forwarder owned by nobody:nogroup', timeoutMs: 60_000, intervalMs: 250 },
    ),
  );
  const entries = await rec.step('s3: journal: a run woken by the forwarder unit', () =>
    waitForDaemonEntries(cursor, (all) => all.some(isWokenByUnit), 'a run woken by the unit (D-Bus)', 30_000),
  );
  const facts: S3Facts = { pidBefore, pidAfter, entries, sockets };
  rec.fact('s3', facts);
}
