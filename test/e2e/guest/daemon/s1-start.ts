// Scenario 1, start: `systemctl enable --now vfkeeper` with the PF present
// and no VFs. Type=notify: systemctl returns at READY=1, which the daemon
// sends after its first full reconcile, so by then every VF must be on
// vfio-pci with its /dev/vfio node and every relay attached.
import { readdir } from 'node:fs/promises';
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { expectEqual } from '../lib/pci-expect.js';
import { readChainState, isConverged, waitForConverged } from '../lib/chain.js';
import { runCommand } from '../lib/exec.js';
import { readJournalCursor } from '../lib/journal.js';
import { devicePath, readAttribute } from '../lib/sysfs.js';
import { readActiveState, readUnitProperties } from '../lib/systemctl.js';
import { readElapsedMs } from '../lib/wait.js';
import { PF, UNIT, hasMessage, readSocketOwners, runVfkeeper, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { ChainFacts, S1Facts } from './facts.js';

const START_MS = 240_000;

async function startDaemon({ rec, forwarder, count }: DaemonContext): Promise<ChainFacts> {
  return rec.step(
    's1: systemctl enable --now vfkeeper returns at READY=1, with every VF on vfio-pci and every relay attached',
    async () => {
      const since = performance.now();
      const started = runCommand(['systemctl', 'enable', '--now', UNIT], { timeoutMs: START_MS });
      started.catch(() => undefined);
      const converged = await waitForConverged(PF, forwarder, count, { timeoutMs: START_MS, since });
      const r = await started;
      const readyMs = readElapsedMs(since);
      if (r.status !== 0) throw new Error(`systemctl enable --now ${UNIT} exited with ${String(r.status)}: ${r.stderr}`);
      // Polled right after READY: converged already, not some time later.
      const atReady = await readChainState(PF, forwarder);
      expectEqual('converged when systemctl returned', isConverged(atReady, count), true);
      rec.timing('s1 daemon start -> all VFs on vfio-pci, relays attached', converged.ms);
      rec.timing('s1 daemon start -> READY=1 (systemctl returned)', readyMs);
      return atReady;
    },
  );
}

async function readSysfsFacts(atReady: ChainFacts): Promise<Pick<S1Facts, 'autoprobe' | 'driverOverrides' | 'devVfio'>> {
  const driverOverrides: Record<string, string> = {};
  for (const vf of atReady.vfs) driverOverrides[vf.pci] = await readAttribute(vf.pci, 'driver_override');
  return { autoprobe: await readAttribute(PF, 'sriov_drivers_autoprobe'), driverOverrides, devVfio: (await readdir('/dev/vfio')).sort() };
}

export async function runStart(ctx: DaemonContext): Promise<void> {
  const { rec } = ctx;
  const cursor = await readJournalCursor();
  const atReady = await startDaemon(ctx);
  const unit = await rec.step('s1: vfkeeper.service is an active notify service', async () => {
    expectEqual('systemctl is-active vfkeeper', await readActiveState(UNIT), 'active');
    return readUnitProperties(UNIT, ['Type', 'ActiveState', 'SubState', 'NRestarts', 'MainPID', 'Result', 'NotifyAccess']);
  });
  const entries = await rec.step('s1: journal: the start run, one entry per step, then ready', () =>
    waitForDaemonEntries(
      cursor,
      (e) => hasMessage(e, 'daemon.ready') && hasMessage(e, 'run.end'),
      'the daemon ready after its start run',
      60_000,
    ),
  );
  // The daemon's own figure, without its process start: the first run, observe to converged.
  const firstRun = entries.find((e) => e.MESSAGE_ID === messageIdFor('run.end'))?.DURATION_USEC;
  if (firstRun !== undefined) rec.timing('s1 first reconcile run (its DURATION_USEC)', Number(firstRun) / 1000);
  const statusCommand = await rec.step('s1: vfkeeper status --json', async () => {
    const out = await runVfkeeper(['status', '--json']);
    expectEqual('vfkeeper status --json exit status', out.status, 0);
    return out;
  });
  const sockets = await rec.step('s1: the forwarder socket directory and sockets belong to nobody:nogroup', async () => {
    const owners = await readSocketOwners();
    const wrong = owners.wrong.length > 3 ? [...owners.wrong.slice(0, 3), `and ${owners.wrong.length - 3} more`] : owners.wrong;
    expectEqual(`paths of ${owners.checked} not owned by nobody:nogroup`, wrong.join(', '), '');
    return owners;
  });
  const sysfs = await readSysfsFacts(atReady);
  await rec.step('s1: PF sriov_drivers_autoprobe', async () =>
    expectEqual(`${devicePath(PF, 'sriov_drivers_autoprobe')}`, sysfs.autoprobe, '0'),
  );
  const facts: S1Facts = { unit, atReady, entries, status: JSON.parse(statusCommand.stdout) as unknown, statusCommand, sockets, ...sysfs };
  rec.fact('s1', facts);
}
