// Scenario 4, networkd-dispatcher: systemd-networkd manages the PF (static
// address and gateway: routable), networkd-dispatcher runs the installed
// hook on routable and configured, and the daemon logs each as
// VFKEEPER_EVENT=hook for enp1s0. Then: (a) MTU 1500 and a foreign VF MAC
// set by hand (no uevent), `networkctl reconfigure`: a run the hook woke
// puts both back; (b) sriov_numvfs 0 by hand: the daemon re-creates the
// VFs, each count write resets the PF (no-carrier, carrier, routable), the
// hook fires again, and the runs must stop by themselves.
import { writeFile } from 'node:fs/promises';
import { runChecked } from '../lib/exec.js';
import { pickJournalFields, readJournalAfter, readJournalCursor } from '../lib/journal.js';
import { devicePath, writeSysfs } from '../lib/sysfs.js';
import { runSystemctl } from '../lib/systemctl.js';
import { waitForDaemonEntries } from '../daemon/context.js';
import { PF, PF_NETDEV, runIp, type IgbContext } from './context.js';
import type { I4Facts } from './facts.js';
import { waitForNoNewRuns } from './quiet.js';
import { disruptAndRepair } from './repair.js';
import { NETWORKD_FILE, NETWORKD_TEXT } from './setup.js';

const QUIET_MS = 20_000;
export const FOREIGN_MAC = '02:00:00:00:00:99';

const isPfHook = (e: Record<string, string>, state: string): boolean =>
  e.VFKEEPER_EVENT === 'hook' && e.NETDEV === PF_NETDEV && (e.MESSAGE ?? '').includes(state);

async function startNetworkd(ctx: IgbContext): Promise<Record<string, string>[]> {
  return ctx.rec.step(
    'i4 NetworkManager stopped; systemd-networkd and networkd-dispatcher manage enp1s0: the hook wakes the daemon on routable and configured',
    async () => {
      const cursor = await readJournalCursor();
      await runSystemctl(['stop', 'NetworkManager.service']);
      await writeFile(NETWORKD_FILE, NETWORKD_TEXT);
      // -v: the dispatcher logs each hook it invokes, with the state (evidence when one is missing).
      await writeFile('/etc/default/networkd-dispatcher', 'networkd_dispatcher_args="--run-startup-triggers -v"\n');
      // The dispatcher first, as at boot: it scans the links once, then
      // listens. Started together, networkd can reach `configured` between
      // the scan and the subscription, and the dispatcher never runs
      // configured.d (seen on this guest: routable only).
      await runSystemctl(['start', 'networkd-dispatcher.service'], 120_000);
      await runSystemctl(['start', 'systemd-networkd.service'], 120_000);
      try {
        return await waitForDaemonEntries(
          cursor,
          (e) => e.some((x) => isPfHook(x, 'routable')) && e.some((x) => isPfHook(x, 'configured')),
          'hook events routable and configured for enp1s0',
          120_000,
        );
      } catch (e) {
        // What networkd says of the link, and what the dispatcher ran: the evidence for the failure.
        const list = await runChecked(['networkctl', 'list', '--no-pager', '--no-legend'], { timeoutMs: 30_000 });
        const ran = await readJournalAfter(cursor, ['SYSLOG_IDENTIFIER=networkd-dispatcher']);
        const lines = ran.map((x) => x.MESSAGE ?? '').join(' | ');
        throw new Error(`${e instanceof Error ? e.message : String(e)}; networkctl list: ${list.stdout.trim()}; networkd-dispatcher: ${lines}`);
      }
    },
  );
}

export async function runNetworkd(ctx: IgbContext): Promise<void> {
  const startEntries = await startNetworkd(ctx);
  const mtu = await disruptAndRepair(ctx, 'i4 MTU 1500 and a foreign VF 0 MAC by hand, networkctl reconfigure', async () => {
    await runIp(['link', 'set', 'dev', PF_NETDEV, 'mtu', '1500']);
    await runIp(['link', 'set', 'dev', PF_NETDEV, 'vf', '0', 'mac', FOREIGN_MAC]);
    await runChecked(['networkctl', 'reconfigure', PF_NETDEV], { timeoutMs: 60_000 });
  });
  const cursor = await readJournalCursor();
  const reset = await disruptAndRepair(
    ctx,
    'i4 sriov_numvfs 0 by hand (the re-creation resets the PF)',
    () => writeSysfs(devicePath(PF, 'sriov_numvfs'), '0'),
    { quiet: false },
  );
  const quietAfterMs = await ctx.rec.step(`i4 no run loop: no vfkeeper run starts for ${QUIET_MS / 1000} s`, () =>
    waitForNoNewRuns(cursor, QUIET_MS, 180_000),
  );
  // The whole burst, the late hook runs included.
  const entries = (await readJournalAfter(cursor, ['_SYSTEMD_UNIT=vfkeeper.service'])).map(pickJournalFields);
  const facts: I4Facts = { startEntries, mtu, reset: { ...reset, entries }, quietAfterMs };
  ctx.rec.fact('i4', facts);
}
