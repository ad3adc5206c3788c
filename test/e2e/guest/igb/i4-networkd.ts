// Scenario 4, networkd-dispatcher: systemd-networkd manages the PF (static
// address: routable), networkd-dispatcher runs the installed
// hook on routable and configured, and the daemon logs each as
// VFKEEPER_EVENT=hook for enp1s0. Then: (a) MTU 1500 and a foreign VF MAC
// set by hand (no uevent), `networkctl reconfigure`: a run the hook woke
// puts both back; (b) sriov_numvfs 0 by hand: the daemon re-creates the
// VFs, each count write resets the PF (no-carrier, carrier, routable), the
// hook fires again, and the runs must stop by themselves.
import { mkdir, writeFile } from 'node:fs/promises';
import { runChecked, runCommand } from '../lib/exec.js';
import { pickJournalFields, readJournalAfter, readJournalCursor } from '../lib/journal.js';
import { devicePath, writeSysfs } from '../lib/sysfs.js';
import { runSystemctl } from '../lib/systemctl.js';
import { waitFor } from '../lib/wait.js';
import { waitForDaemonEntries } from '../daemon/context.js';
import { PF, PF_NETDEV, runIp, type IgbContext } from './context.js';
import type { I4Facts } from './facts.js';
import { waitForNoNewRuns } from './quiet.js';
import { disruptAndRepair } from './repair.js';
import { NETWORKD_FILE, NETWORKD_TEXT } from './setup.js';

const QUIET_MS = 20_000;
const NETWORKD_DEBUG_DIR = '/run/systemd/system/systemd-networkd.service.d';
export const FOREIGN_MAC = '02:00:00:00:00:99';

const isPfHook = (e: Record<string, string>, state: string): boolean =>
  e.VFKEEPER_EVENT === 'hook' && e.NETDEV === PF_NETDEV && (e.MESSAGE ?? '').includes(state);

/** networkd's setup state of the PF (`networkctl list`: IDX LINK TYPE OPERATIONAL SETUP). */
async function waitForSetupState(state: string): Promise<void> {
  await waitFor(
    async () => {
      const { stdout } = await runChecked(['networkctl', 'list', '--no-pager', '--no-legend'], { timeoutMs: 30_000 });
      const row = stdout.split('\n').find((l) => l.trim().split(/\s+/)[1] === PF_NETDEV);
      return row?.trim().split(/\s+/)[4] === state ? true : undefined;
    },
    { what: `networkctl list showing ${PF_NETDEV} ${state}`, timeoutMs: 120_000, intervalMs: 1000 },
  );
}

/**
 * What networkd says of the PF, its own reasons (debug: link_check_ready
 * names what a link in `configuring` still waits for), and what the
 * dispatcher ran: the evidence when a wait of this scenario fails.
 */
async function networkdEvidence(cursor: string): Promise<string> {
  const status = await runCommand(['networkctl', 'status', '--no-pager', '-n', '0', PF_NETDEV], { timeoutMs: 30_000 });
  const messages = async (unit: string, keep: (m: string) => boolean): Promise<string> =>
    (await readJournalAfter(cursor, [`_SYSTEMD_UNIT=${unit}`]))
      .map((x) => x.MESSAGE ?? '')
      .filter(keep)
      .slice(-40)
      .join(' | ');
  const networkd = await messages('systemd-networkd.service', (m) => m.includes(PF_NETDEV) && !m.includes('rtnl'));
  const dispatcher = await messages('networkd-dispatcher.service', () => true);
  return `networkctl status: ${status.stdout.trim()}; systemd-networkd: ${networkd}; networkd-dispatcher: ${dispatcher}`;
}

async function withEvidence<T>(cursor: string, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}; ${await networkdEvidence(cursor)}`);
  }
}

async function startNetworkd(ctx: IgbContext): Promise<Record<string, string>[]> {
  return ctx.rec.step(
    'i4 NetworkManager stopped; systemd-networkd and networkd-dispatcher manage enp1s0: the hook wakes the daemon on routable and configured',
    async () => {
      const cursor = await readJournalCursor();
      await runSystemctl(['stop', 'NetworkManager.service']);
      await writeFile(NETWORKD_FILE, NETWORKD_TEXT);
      // -v: the dispatcher logs each hook it invokes, with the state; networkd at debug says why a link stays configuring.
      await writeFile('/etc/default/networkd-dispatcher', 'networkd_dispatcher_args="--run-startup-triggers -v"\n');
      await mkdir(NETWORKD_DEBUG_DIR, { recursive: true });
      await writeFile(`${NETWORKD_DEBUG_DIR}/debug.conf`, '[Service]\nEnvironment=SYSTEMD_LOG_LEVEL=debug\n');
      await runSystemctl(['daemon-reload']);
      // networkd first, until it has configured the PF; then the dispatcher,
      // whose start-up triggers (Debian's default) run routable.d and
      // configured.d for the link's state. The other order races: a
      // dispatcher started before networkd learns the link from a rescan
      // that already reads `configured`, and then never sees a change of
      // the administrative state to dispatch (its source: _handle_one_state
      // skips a state equal to the one its scan recorded): routable only.
      await runSystemctl(['start', 'systemd-networkd.service'], 120_000);
      return withEvidence(cursor, async () => {
        await waitForSetupState('configured');
        await runSystemctl(['start', 'networkd-dispatcher.service'], 120_000);
        return waitForDaemonEntries(
          cursor,
          (e) => e.some((x) => isPfHook(x, 'routable')) && e.some((x) => isPfHook(x, 'configured')),
          'hook events routable and configured for enp1s0',
          120_000,
        );
      });
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
