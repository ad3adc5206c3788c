// Scenario 4: a VF taken off vfio-pci and bound to nvme by hand: the
// daemon, woken by udev, must put it back on vfio-pci with its /dev/vfio
// node. With sriov_drivers_autoprobe 0 (vfkeeper's doing) the kernel probes
// a VF only for its driver_override, so binding it to nvme by hand means
// naming nvme there first, as driverctl does; a plain bind "succeeds"
// without binding anything.
import { join } from 'node:path';
import { readChainState, waitForConverged } from '../lib/chain.js';
import { messageIdFor } from '../../../../src/journal/message-ids.js';
import { readJournalCursor, type JournalEntry } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { PCI_BUS, devicePath, tryWriteSysfs, writeSysfs } from '../lib/sysfs.js';
import { PF, readUdevSince, waitForDaemonEntries, type DaemonContext } from './context.js';
import type { S4Facts } from './facts.js';

const REPAIR_MS = 120_000;
const isWokenByUdev = (e: JournalEntry): boolean =>
  e.MESSAGE_ID === messageIdFor('run.start') && (e.VFKEEPER_EVENT === 'udev' || (e.VFKEEPER_EVENTS ?? '').split(' ').includes('udev'));

/** What an administrator would type: echo nvme > driver_override; echo VF > .../vfio-pci/unbind; echo VF > .../nvme/bind. */
async function applyHandRebind(vf: string): Promise<string> {
  await writeSysfs(devicePath(vf, 'driver_override'), 'nvme');
  await writeSysfs(join(PCI_BUS, 'drivers', 'vfio-pci', 'unbind'), vf);
  return tryWriteSysfs(join(PCI_BUS, 'drivers', 'nvme', 'bind'), vf);
}

export async function runRebind(ctx: DaemonContext): Promise<void> {
  const { rec, forwarder, count, udev } = ctx;
  const before = await readChainState(PF, forwarder);
  const vf = before.vfs[Math.min(1, before.vfs.length - 1)]?.pci;
  if (vf === undefined) throw new Error(`${PF} has no VF to rebind`);
  const cursor = await readJournalCursor();
  const mark = udev.records.length;
  const { nvmeBind, after } = await rec.step(`s4: ${vf} unbound from vfio-pci and bound to nvme by hand: back on vfio-pci`, async () => {
    const result = await applyHandRebind(vf);
    const since = performance.now();
    expectEqual(`echo ${vf} > .../nvme/bind`, result, 'ok');
    await udev.waitForRecord(
      (r) => r.action === 'bind' && r.properties.PCI_SLOT_NAME === vf && r.properties.DRIVER === 'nvme',
      `bind ${vf} to nvme`,
      30_000,
    );
    const converged = await waitForConverged(PF, forwarder, count, { timeoutMs: REPAIR_MS, since });
    rec.timing('s4 VF bound to nvme by hand -> back on vfio-pci', converged.ms);
    return { nvmeBind: result, after: converged.state };
  });
  // The bind may land in a run already under way (it re-observes after each
  // pass) rather than in the one udev wakes; either way udev must wake one.
  const entries = await rec.step('s4: journal: the VF bound again; udev woke the daemon', () =>
    waitForDaemonEntries(
      cursor,
      (all) =>
        all.some((e) => e.VFKEEPER_STEP === 'bind-driver' && e.VF_PCI_SLOT === vf && e.VFKEEPER_RESULT === 'ok') && all.some(isWokenByUdev),
      `a bind-driver entry for ${vf}, and a run woken by udev`,
      30_000,
    ),
  );
  const facts: S4Facts = { vf, nvmeBind, udev: readUdevSince(udev, mark, [vf]), entries, after };
  rec.fact('s4', facts);
}
