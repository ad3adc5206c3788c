// Smoke scenario: proves on the guest's real kernel what docs/vm-testbed.md
// says, from one long-lived Node process, and checks that journald, the
// system D-Bus and udev work for the scenarios that drive vfkeeper itself.
// Order (the SR-IOV chain; its first failure ends it, the system checks still run):
//  1. udev monitor listening (a PF change event round trip)
//  2. PF 0000:01:00.0 is 1b36:0010 on nvme, sriov_totalvfs = N, no VFs
//  3. sriov_drivers_autoprobe = 0, then sriov_numvfs = N: N unbound VFs
//  4. modprobe vfio-pci, driver_override + unbind + drivers_probe: each VF on
//     vfio-pci with its own /dev/vfio/<group>; udev records add then bind
//  5. the same count: no-op; another count: EBUSY; above total: ERANGE
//  6. sriov_numvfs = 0: VFs and /dev/vfio nodes gone, udev remove records
import { join } from 'node:path';
import { runChecked } from '../lib/exec.js';
import { expectEqual, waitForBound, waitForVfs, waitForVfsGone, type VfBinding } from '../lib/pci-expect.js';
import { recorderFor, type Recorder } from '../lib/recorder.js';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.js';
import { PCI_BUS, assertInE2eGuest, devicePath, readAttribute, readDriver, readVirtfns, tryWriteSysfs, writeSysfs } from '../lib/sysfs.js';
import { checkJournald, checkSystemBus } from '../lib/system-checks.js';
import { startUdevMonitor, type UdevMonitor, type UdevRecord } from '../lib/udev-monitor.js';
import { readElapsedMs, waitFor } from '../lib/wait.js';

const PF = '0000:01:00.0';
const NVME_ID = '0x1b36:0x0010';
const WAIT_MS = 60_000;

interface Context {
  env: ScenarioEnv;
  rec: Recorder;
  udev: UdevMonitor;
}

async function checkPf({ env, rec }: Context): Promise<void> {
  await rec.step(`PF ${PF} is ${NVME_ID} on nvme with sriov_totalvfs = ${env.vfs} and no VFs`, async () => {
    expectEqual('PF id', `${await readAttribute(PF, 'vendor')}:${await readAttribute(PF, 'device')}`, NVME_ID);
    expectEqual('PF driver', await readDriver(PF), 'nvme');
    expectEqual('sriov_totalvfs', await readAttribute(PF, 'sriov_totalvfs'), String(env.vfs));
    expectEqual('sriov_numvfs', await readAttribute(PF, 'sriov_numvfs'), '0');
  });
}

async function createVfs({ env, rec }: Context): Promise<string[]> {
  await rec.step('sriov_drivers_autoprobe = 0', async () => {
    await writeSysfs(devicePath(PF, 'sriov_drivers_autoprobe'), '0');
    expectEqual('sriov_drivers_autoprobe', await readAttribute(PF, 'sriov_drivers_autoprobe'), '0');
  });
  return rec.step(`sriov_numvfs = ${env.vfs} creates ${env.vfs} unbound VFs`, async () => {
    const start = performance.now();
    await writeSysfs(devicePath(PF, 'sriov_numvfs'), String(env.vfs));
    rec.timing('numvfsWriteMs', readElapsedMs(start));
    const vfs = await waitForVfs(PF, env.vfs, NVME_ID, WAIT_MS);
    rec.timing('vfsVisibleMs', readElapsedMs(start));
    for (const vf of vfs) expectEqual(`driver of ${vf} (autoprobe 0)`, await readDriver(vf), undefined);
    rec.fact('vfs', vfs);
    return vfs;
  });
}

async function bindVfio({ rec }: Context, vfs: readonly string[]): Promise<VfBinding[]> {
  await rec.step('modprobe vfio-pci', async () => {
    const start = performance.now();
    await runChecked(['modprobe', 'vfio-pci'], { timeoutMs: WAIT_MS });
    rec.timing('modprobeVfioMs', readElapsedMs(start));
  });
  return rec.step('driver_override + unbind + drivers_probe: each VF on vfio-pci with /dev/vfio/<group>', async () => {
    const start = performance.now();
    for (const vf of vfs) {
      await writeSysfs(devicePath(vf, 'driver_override'), 'vfio-pci');
      const driver = await readDriver(vf);
      if (driver !== undefined) await writeSysfs(join(PCI_BUS, 'drivers', driver, 'unbind'), vf);
      await writeSysfs(join(PCI_BUS, 'drivers_probe'), vf);
    }
    const bound = await waitForBound(vfs, 'vfio-pci', WAIT_MS);
    rec.timing('bindAllVfioMs', readElapsedMs(start));
    expectEqual('distinct IOMMU groups', new Set(bound.map((b) => b.iommuGroup)).size, vfs.length);
    rec.fact('iommuGroups', Object.fromEntries(bound.map((b) => [b.pci, b.iommuGroup])));
    return bound;
  });
}

async function checkUdevRecords({ rec, udev }: Context, vfs: readonly string[]): Promise<void> {
  await rec.step('udev: each VF add (no DRIVER), then bind DRIVER=vfio-pci; no nvme bind', async () => {
    for (const vf of vfs) {
      const add = await udev.waitForRecord((r) => r.action === 'add' && r.properties.PCI_SLOT_NAME === vf, `add ${vf}`, WAIT_MS);
      expectEqual(`DRIVER on add of ${vf}`, add.properties.DRIVER ?? '', '');
      await udev.waitForRecord(
        (r) => r.action === 'bind' && r.properties.PCI_SLOT_NAME === vf && r.properties.DRIVER === 'vfio-pci',
        `bind ${vf}`,
        WAIT_MS,
      );
    }
    const nvmeBinds = udev.records.filter(
      (r) => r.action === 'bind' && r.properties.DRIVER === 'nvme' && r.properties.PCI_SLOT_NAME !== PF,
    );
    expectEqual('VF binds to nvme', nvmeBinds.length, 0);
    // The first PF change was the monitor's round trip; the count change makes another.
    const isPfChange = (r: UdevRecord): boolean => r.action === 'change' && r.properties.PCI_SLOT_NAME === PF;
    await waitFor(async () => (udev.records.filter(isPfChange).length >= 2 ? true : undefined), {
      what: 'a PF change record for the count',
      timeoutMs: WAIT_MS,
    });
  });
}

async function checkCountRules({ env, rec }: Context, bound: readonly VfBinding[]): Promise<void> {
  const numvfs = devicePath(PF, 'sriov_numvfs');
  await rec.step(`sriov_numvfs = ${env.vfs} again is a no-op`, async () => {
    const before = await readVirtfns(PF);
    expectEqual('write of the same count', await tryWriteSysfs(numvfs, String(env.vfs)), 'ok');
    expectEqual('VFs after the same count', (await readVirtfns(PF)).join(), before.join());
    for (const { pci } of bound) expectEqual(`driver of ${pci}`, await readDriver(pci), 'vfio-pci');
  });
  if (env.vfs >= 2) {
    await rec.step(`sriov_numvfs = ${env.vfs - 1} while ${env.vfs} exist is EBUSY`, async () => {
      expectEqual('errno', await tryWriteSysfs(numvfs, String(env.vfs - 1)), 'EBUSY');
    });
  }
  await rec.step(`sriov_numvfs = ${env.vfs + 1} (above sriov_totalvfs) is ERANGE`, async () => {
    expectEqual('errno', await tryWriteSysfs(numvfs, String(env.vfs + 1)), 'ERANGE');
  });
}

async function removeVfs({ rec, udev }: Context, bound: readonly VfBinding[]): Promise<void> {
  await rec.step('sriov_numvfs = 0 removes the VFs and their /dev/vfio nodes', async () => {
    const start = performance.now();
    await writeSysfs(devicePath(PF, 'sriov_numvfs'), '0');
    rec.timing('numvfsZeroWriteMs', readElapsedMs(start));
    await waitForVfsGone(PF, bound, WAIT_MS);
    for (const { pci } of bound) {
      await udev.waitForRecord((r) => r.action === 'remove' && r.properties.PCI_SLOT_NAME === pci, `remove ${pci}`, WAIT_MS);
    }
  });
}

async function runSriovChain(ctx: Context): Promise<void> {
  await checkPf(ctx);
  const pfReady = performance.now();
  const vfs = await createVfs(ctx);
  const bound = await bindVfio(ctx, vfs);
  ctx.rec.timing('pfReadyToAllVfioMs', readElapsedMs(pfReady));
  await ctx.rec.step('udevadm settle', async () => {
    const start = performance.now();
    await runChecked(['udevadm', 'settle', '-t', '60'], { timeoutMs: 70_000 });
    ctx.rec.timing('udevSettleMs', readElapsedMs(start));
    ctx.rec.timing('pfReadyToSettledMs', readElapsedMs(pfReady));
  });
  await checkUdevRecords(ctx, vfs);
  await checkCountRules(ctx, bound);
  await removeVfs(ctx, bound);
}

async function runSystemChecks({ rec }: Context): Promise<void> {
  await rec.step('journald: a native-binding entry read back with journalctl -o json', async () => {
    rec.fact('journal', await checkJournald(WAIT_MS));
  });
  await rec.step('system D-Bus: busctl and dbus-next reach org.freedesktop.systemd1', async () => {
    const bus = await checkSystemBus('systemd-udevd.service');
    expectEqual('ActiveState of systemd-udevd.service', bus.activeState, 'active');
    rec.fact('systemdVersion', bus.systemdVersion);
  });
}

async function main(): Promise<number> {
  const nodeStartMs = Math.round(process.uptime() * 1000);
  const env = parseScenarioEnv(process.env);
  const rec = recorderFor(env);
  rec.timing('nodeStartMs', nodeStartMs);
  let completed = false;
  let udev: UdevMonitor | undefined;
  try {
    await rec.step('running in the end-to-end guest', assertInE2eGuest);
    udev = await rec.step('udev monitor listening (PF change round trip)', async () => {
      const monitor = await startUdevMonitor(['pci'], WAIT_MS);
      await runChecked(['udevadm', 'trigger', '--action=change', devicePath(PF)], { timeoutMs: WAIT_MS });
      await monitor.waitForRecord((r) => r.action === 'change' && r.properties.PCI_SLOT_NAME === PF, `change ${PF}`, WAIT_MS);
      return monitor;
    });
    const ctx = { env, rec, udev };
    const chain = await runSriovChain(ctx).then(
      () => true,
      () => false,
    );
    await runSystemChecks(ctx);
    completed = chain;
  } catch {
    // Recorded by the failing step; the result says which.
  } finally {
    udev?.stop();
  }
  const result = await rec.writeResult(completed);
  return result.passed ? 0 : 1;
}

process.exitCode = await main();
