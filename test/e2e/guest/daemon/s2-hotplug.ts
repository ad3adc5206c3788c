// Scenario 2, hotplug: the PF's device removed and the bus rescanned, as a
// surprise removal and re-insertion of the card would do. The removal goes
// through the PCI port above the PF, so the kernel removes the VFs with the
// PF (removing the PF alone leaves its VFs behind with nvme, which does not
// disable SR-IOV on remove: scenario 2b). With no command typed,
// the installed udev rule tags the PF for systemd (SYSTEMD_WANTS
// vfkeeper.service, VFs kept from NetworkManager) and the running daemon,
// woken by udev, detaches the dead relays, then re-creates the VFs, binds
// them to vfio-pci and attaches the relays again.
import { realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readChainState, waitForChain, waitForConverged } from '../lib/chain.js';
import { runChecked } from '../lib/exec.js';
import { readJournalCursor } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { PCI_BUS, devicePath, isPresent, writeSysfs } from '../lib/sysfs.js';
import { readUnitProperties } from '../lib/systemctl.js';
import { waitFor } from '../lib/wait.js';
import { PF, UNIT, readDaemonEntries, readUdevSince, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { ChainFacts, S2Facts } from './facts.js';

const WAIT_MS = 180_000;
const UNIT_PROPS = ['MainPID', 'NRestarts', 'ActiveState'];

async function readUdevProperties(pci: string): Promise<Record<string, string>> {
  const { stdout } = await runChecked(['udevadm', 'info', '--query=property', devicePath(pci)], { timeoutMs: 30_000 });
  return Object.fromEntries(
    stdout
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

/** The PCI port (bridge) the PF sits under, e.g. 0000:00:01.0. */
export async function readUpstreamPort(pci: string): Promise<string> {
  return basename(dirname(await realpath(devicePath(pci))));
}

async function removeDevice({ rec, forwarder }: DaemonContext, port: string, before: ChainFacts): Promise<ChainFacts> {
  return rec.step(`s2: echo 1 > ${devicePath(port, 'remove')}: the PF and its VFs gone, their relays detached`, async () => {
    await writeSysfs(devicePath(port, 'remove'), '1');
    const gone = await waitForChain(
      PF,
      forwarder,
      (s) => !s.pfPresent && s.relays !== null && Object.keys(s.relays).length === 0,
      'the PF gone and no relay attached',
      { timeoutMs: WAIT_MS },
    );
    await waitFor(
      async () => {
        const left = await Promise.all(
          before.vfs.map(async (v) => (await isPresent(devicePath(v.pci))) || (await isPresent(join('/dev/vfio', v.iommuGroup ?? '-')))),
        );
        return left.some(Boolean) ? undefined : true;
      },
      { what: 'the VFs and their /dev/vfio nodes to go', timeoutMs: WAIT_MS },
    );
    return gone.state;
  });
}

async function rescan({ rec, forwarder, count }: DaemonContext): Promise<ChainFacts> {
  return rec.step(`s2: echo 1 > ${join(PCI_BUS, 'rescan')}: VFs on vfio-pci and relays attached, no command typed`, async () => {
    const since = performance.now();
    await writeSysfs(join(PCI_BUS, 'rescan'), '1');
    const converged = await waitForConverged(PF, forwarder, count, { timeoutMs: WAIT_MS, since });
    rec.timing('s2 PF rescan -> all VFs on vfio-pci, relays attached', converged.ms);
    return converged.state;
  });
}

/** What the installed rule put on the re-added PF and its VFs, and the device unit systemd made of it. */
async function checkUdevRule(
  ctx: DaemonContext,
  repaired: ChainFacts,
): Promise<Pick<S2Facts, 'pfProperties' | 'vfProperties' | 'deviceUnit' | 'deviceWants'>> {
  return ctx.rec.step('s2: the udev rule: the PF tagged for systemd, wanting vfkeeper.service; its VFs NM_UNMANAGED', async () => {
    await runChecked(['udevadm', 'settle', '-t', '30'], { timeoutMs: 40_000 });
    const pfProperties = await readUdevProperties(PF);
    const vfProperties = await readUdevProperties(repaired.vfs[0]?.pci ?? PF);
    expectEqual('PF SYSTEMD_WANTS', pfProperties.SYSTEMD_WANTS?.split(' ').includes(UNIT), true);
    expectEqual('PF TAGS has systemd', pfProperties.TAGS?.includes(':systemd:'), true);
    expectEqual('VF NM_UNMANAGED', vfProperties.NM_UNMANAGED, '1');
    const deviceUnit = (
      await runChecked(['systemd-escape', '--path', '--suffix=device', `/sys${pfProperties.DEVPATH ?? ''}`], { timeoutMs: 10_000 })
    ).stdout.trim();
    const deviceWants = (await readUnitProperties(deviceUnit, ['Wants'])).Wants ?? '';
    expectEqual(`${deviceUnit} Wants ${UNIT}`, deviceWants.split(' ').includes(UNIT), true);
    return { pfProperties, vfProperties, deviceUnit, deviceWants };
  });
}

export async function runHotplug(ctx: DaemonContext): Promise<void> {
  const { rec, udev } = ctx;
  const unitBefore = await readUnitProperties(UNIT, UNIT_PROPS);
  const port = await readUpstreamPort(PF);
  const before = await readChainState(PF, ctx.forwarder);
  const cursor = await readJournalCursor();
  const mark = udev.records.length;
  const removed = await removeDevice(ctx, port, before);
  const repairCursor = await readJournalCursor();
  const repaired = await rescan(ctx);
  const rule = await checkUdevRule(ctx, repaired);
  const unitAfter = await rec.step('s2: the same daemon did it (no restart)', async () => {
    const after = await readUnitProperties(UNIT, UNIT_PROPS);
    expectEqual('vfkeeper MainPID', after.MainPID, unitBefore.MainPID);
    return after;
  });
  const repairEntries = await rec.step('s2: journal: after the rescan, VFs re-created, bound and attached', () =>
    waitForDaemonEntries(
      repairCursor,
      (e) => e.filter((x) => x.VFKEEPER_STEP === 'attach-relay' && x.VFKEEPER_RESULT === 'ok').length >= ctx.count,
      'the relays attached again',
      30_000,
    ),
  );
  const removalEntries = (await readDaemonEntries(cursor)).filter(
    (e) => !repairEntries.some((r) => r.__MONOTONIC_TIMESTAMP === e.__MONOTONIC_TIMESTAMP),
  );
  const seen = readUdevSince(udev, mark, [PF, ...repaired.vfs.map((v) => v.pci)]);
  const facts: S2Facts = { port, removed, repaired, udev: seen, ...rule, unitBefore, unitAfter, removalEntries, repairEntries };
  rec.fact('s2', facts);
}
