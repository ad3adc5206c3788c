// The .deb through apt and dpkg on the guest, as an administrator rolls it
// out: install (enabled, started, converged), upgrade to a newer build
// (restarted onto the new code, nothing torn down or redone), remove
// (stopped, configuration kept, nothing torn down), purge (configuration
// and state gone, the administrator's drop-in kept). Each part leaves what
// the next expects; the chain (VFs, drivers, relays) is read from the kernel
// and the forwarder, never from vfkeeper.
import { lstat, readFile } from 'node:fs/promises';
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { readChainState, waitForConverged, type ChainState } from '../lib/chain.js';
import { runChecked } from '../lib/exec.js';
import { readJournalAfter, readJournalCursor, waitForJournal, type JournalEntry } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { isPresent } from '../lib/sysfs.js';
import { waitForActiveState } from '../lib/systemctl.js';
import {
  CONFFILE,
  DAEMON_ENTRIES,
  DROP_IN,
  PF,
  SYSTEMD_ENTRIES,
  UNIT,
  readEnablement,
  readMainPid,
  readPackageState,
  runApt,
  type PackageContext,
} from './context.js';

const WAIT_MS = 180_000;
/** A link, dangling or not (isPresent follows it). */
const isLink = (path: string): Promise<boolean> =>
  lstat(path).then(
    () => true,
    () => false,
  );
const isRunEnd = (e: JournalEntry): boolean => e.MESSAGE_ID === messageIdFor('run.end');

/** The chain as a comparable text: PF, count, each VF with driver, group and node, the relays. */
const formatChain = (s: ChainState): string => JSON.stringify({ numvfs: s.numvfs, vfs: s.vfs, relays: s.relays });

export async function runInstall(ctx: PackageContext): Promise<ChainState> {
  const { rec, debs } = ctx;
  const cursor = await readJournalCursor();
  await rec.step(`apt install ${debs.old.path}`, async () => {
    rec.fact('installOutput', (await runApt(['install', debs.old.path])).slice(-3000));
    expectEqual('dpkg status', await readPackageState(), `install ok installed ${debs.old.version}`);
  });
  await rec.step('installed: vfkeeper.service enabled and started', async () => {
    expectEqual('systemctl is-enabled', await readEnablement(), 'enabled');
    await waitForActiveState(UNIT, 'active', WAIT_MS);
  });
  const chain = await rec.step(`installed: ${ctx.count} VFs of ${PF} on vfio-pci, relays 1..${ctx.count} attached`, async () => {
    const start = performance.now();
    const { state } = await waitForConverged(PF, ctx.forwarder, ctx.count, { timeoutMs: WAIT_MS, since: start });
    rec.timing('installToConvergedMs', Math.round(performance.now() - start));
    return state;
  });
  await rec.step('installed: the journal has the daemon converging, with the catalog installed', async () => {
    const entries = await waitForJournal(
      cursor,
      DAEMON_ENTRIES,
      (es) => es.some((e) => isRunEnd(e) && e.VFKEEPER_CONVERGED === '1'),
      'a converged run of the installed daemon',
      WAIT_MS,
    );
    rec.fact(
      'installRuns',
      entries.filter(isRunEnd).map((e) => e.MESSAGE),
    );
    // systemd's dpkg trigger on /usr/lib/systemd/catalog ran journalctl --update-catalog.
    const { stdout } = await runChecked(['journalctl', '--list-catalog'], { timeoutMs: 60_000 });
    expectEqual('the run.end catalog entry listed', stdout.includes(messageIdFor('run.end')), true);
  });
  return chain;
}

export async function runUpgrade(ctx: PackageContext, before: ChainState): Promise<void> {
  const { rec, debs, udev } = ctx;
  const cursor = await readJournalCursor();
  const pid = await readMainPid();
  const seen = udev.records.length;
  await rec.step(`apt install ${debs.new.path} (upgrade ${debs.old.version} -> ${debs.new.version})`, async () => {
    rec.fact('upgradeOutput', (await runApt(['install', debs.new.path])).slice(-3000));
    expectEqual('dpkg status', await readPackageState(), `install ok installed ${debs.new.version}`);
  });
  await rec.step('upgraded: the daemon restarted onto the new build, still enabled', async () => {
    await waitForActiveState(UNIT, 'active', WAIT_MS);
    const after = await readMainPid();
    expectEqual(`a new main PID (was ${pid})`, after !== pid && after !== '0', true);
    expectEqual('systemctl is-enabled', await readEnablement(), 'enabled');
    const systemd = await readJournalAfter(cursor, SYSTEMD_ENTRIES);
    rec.fact(
      'upgradeUnitJournal',
      systemd.map((e) => e.MESSAGE),
    );
  });
  await rec.step('upgraded: the new daemon converged without a single step (nothing torn down or redone)', async () => {
    const entries = await waitForJournal(
      cursor,
      DAEMON_ENTRIES,
      (es) => es.some((e) => isRunEnd(e) && e.VFKEEPER_CONVERGED === '1'),
      'a converged run of the upgraded daemon',
      WAIT_MS,
    );
    const runs = entries.filter(isRunEnd);
    rec.fact(
      'upgradeRuns',
      runs.map((e) => e.MESSAGE),
    );
    expectEqual(
      'steps done by runs after the upgrade',
      runs.map((e) => e.VFKEEPER_STEPS_DONE ?? '?').filter((n) => n !== '0'),
      [],
    );
  });
  await rec.step('upgraded: the same VFs, drivers, IOMMU groups and relays; no PCI udev event', async () => {
    expectEqual('chain after the upgrade', formatChain(await readChainState(PF, ctx.forwarder)), formatChain(before));
    expectEqual(
      'pci udev events during the upgrade',
      udev.records.slice(seen).map((r) => `${r.action} ${r.devpath}`),
      [],
    );
  });
}

export async function runRemove(ctx: PackageContext, before: ChainState): Promise<void> {
  const { rec } = ctx;
  await rec.step('apt remove vfkeeper', async () => {
    await runApt(['remove', 'vfkeeper']);
    expectEqual('dpkg status', await readPackageState(), `deinstall ok config-files ${ctx.debs.new.version}`);
  });
  await rec.step('removed: the daemon stopped, the unit masked, the configuration kept', async () => {
    await waitForActiveState(UNIT, 'inactive', WAIT_MS);
    expectEqual('systemctl is-enabled', await readEnablement(), 'masked');
    expectEqual(`${CONFFILE} kept`, await isPresent(CONFFILE), true);
    expectEqual(`${DROP_IN} kept`, await isPresent(DROP_IN), true);
    expectEqual('/usr/bin/vfkeeper gone', await isPresent('/usr/bin/vfkeeper'), false);
  });
  await rec.step('removed: the VFs and relays left as they were', async () => {
    expectEqual('chain after the removal', formatChain(await readChainState(PF, ctx.forwarder)), formatChain(before));
  });
}

export async function runPurge(ctx: PackageContext): Promise<void> {
  const { rec } = ctx;
  const dropIn = await readFile(DROP_IN, 'utf8');
  await rec.step('apt purge vfkeeper', async () => {
    rec.fact('purgeOutput', (await runApt(['purge', 'vfkeeper'])).slice(-3000));
    const state = await readPackageState();
    expectEqual(`dpkg knows vfkeeper no more (${state})`, state === '' || state.endsWith('not-installed'), true);
  });
  await rec.step("purged: conffile, state, enablement and mask gone; the administrator's drop-in kept", async () => {
    expectEqual(`${CONFFILE} gone`, await isPresent(CONFFILE), false);
    expectEqual('/var/lib/vfkeeper gone', await isPresent('/var/lib/vfkeeper'), false);
    expectEqual('the mask gone', await isLink(`/etc/systemd/system/${UNIT}`), false);
    expectEqual('the enablement link gone', await isLink(`/etc/systemd/system/multi-user.target.wants/${UNIT}`), false);
    expectEqual(`${DROP_IN} as it was`, await readFile(DROP_IN, 'utf8'), dropIn);
    const enablement = await readEnablement();
    rec.fact('purgedEnablement', enablement);
    expectEqual(`systemctl is-enabled says neither enabled nor masked (${enablement})`, ['enabled', 'masked'].includes(enablement), false);
  });
}
