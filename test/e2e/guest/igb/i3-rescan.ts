// Scenario 3, hotplug: the PF removed (`echo 1 > .../0000:01:00.0/remove`:
// igb disables SR-IOV on remove, so its VFs go first) and the bus rescanned.
// The PF comes back probed as eth0 and renamed by udev to enp1s0, with 0
// VFs, MTU 1500 and link down. Done with the PF matched by PCI address and
// then by interface name, several times each, to catch a run that observes
// the PF between its probe and udev's rename.
import { join } from 'node:path';
import { PCI_BUS, devicePath, writeSysfs } from '../lib/sysfs.js';
import { hasMessage, waitForDaemonEntries } from '../daemon/context.js';
import { readJournalCursor } from '../lib/journal.js';
import { PF, waitForPfGone, type IgbContext } from './context.js';
import type { RepairFacts } from './facts.js';
import { disruptAndRepair } from './repair.js';
import { writeIgbConfig } from './setup.js';

/** Rounds per match kind: the rename race shows in some rounds, not all. */
const ROUNDS = Number(process.env.VFKEEPER_E2E_RESCAN_ROUNDS ?? '2');

function removeAndRescan(ctx: IgbContext, match: string, round: number): Promise<RepairFacts> {
  return disruptAndRepair(ctx, `i3 remove + rescan, PF matched by ${match}, round ${round}`, async () => {
    await writeSysfs(devicePath(PF, 'remove'), '1');
    await waitForPfGone(60_000);
    await writeSysfs(join(PCI_BUS, 'rescan'), '1');
  });
}

/** The configuration switched to a match by name; the daemon reloads it on the file change. */
async function matchByName(ctx: IgbContext): Promise<void> {
  await ctx.rec.step('i3 configuration: the PF matched by netdev enp1s0 (file watch reload)', async () => {
    const cursor = await readJournalCursor();
    await writeIgbConfig('netdev');
    await waitForDaemonEntries(cursor, (e) => hasMessage(e, 'config.reloaded'), 'the configuration reloaded', 60_000);
  });
}

export async function runRescan(ctx: IgbContext): Promise<void> {
  const rounds: RepairFacts[] = [];
  const record = () => ctx.rec.fact('i3', { rounds });
  try {
    for (let r = 1; r <= ROUNDS; r++) rounds.push(await removeAndRescan(ctx, 'PCI address', r));
    await matchByName(ctx);
    for (let r = 1; r <= ROUNDS; r++) rounds.push(await removeAndRescan(ctx, 'interface name', r));
  } finally {
    record();
  }
}
