// The floor bench's shared start and end points, so the shell floor and
// vfkeeper are timed from the same event to the same state: SR-IOV turned
// off on the PF, its port removed (PF and VFs gone, udev settled) and then `echo 1 >
// /sys/bus/pci/rescan` written by this process (the start, so both include
// the kernel's own PF enumeration and its asynchronous nvme probe), up to
// "every VF on vfio-pci and `udevadm settle` returned" (the end).
// SR-IOV goes off before the removal because QEMU's device keeps its state
// across a removal through the port: a PF enumerated with VF Enable still set
// makes the kernel clear it and sleep 1 s (sriov_init), which no new card or
// boot would cost and which would pad both figures alike.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runChecked } from '../lib/exec.js';
import { PCI_BUS, devicePath, isPresent, readAttribute, readDriver, readVirtfns, writeSysfs } from '../lib/sysfs.js';
import { waitFor } from '../lib/wait.js';

const GONE_MS = 120_000;
const VFIO_DRIVER = join(PCI_BUS, 'drivers', 'vfio-pci');
const SETTLE_S = 60;

/** A monotonic instant in both clocks: performance.now() and CLOCK_MONOTONIC in µs (the journal's). */
export interface Instant {
  perfMs: number;
  monoUsec: number;
}

export function readInstant(): Instant {
  return { perfMs: performance.now(), monoUsec: Number(process.hrtime.bigint() / 1000n) };
}

/** Milliseconds from `t0` to now, to 0.1 ms. */
export function readMsSince(t0: Instant): number {
  return Math.round((performance.now() - t0.perfMs) * 10) / 10;
}

/** `udevadm settle`, bounded (`trigger --settle` hung once on these guests). */
export async function applySettle(): Promise<void> {
  await runChecked(['udevadm', 'settle', '-t', String(SETTLE_S)], { timeoutMs: (SETTLE_S + 10) * 1000 });
}

/** `echo 0 > sriov_numvfs` when the PF has VFs (the kernel removes them, also from vfio-pci). */
export async function applySriovOff(pf: string): Promise<void> {
  if ((await readAttribute(pf, 'sriov_numvfs')) !== '0') await writeSysfs(devicePath(pf, 'sriov_numvfs'), '0');
}

/** Removes the PF's port: the kernel unbinds and removes the VFs with the PF (see s2-hotplug). Then settles udev. */
export async function applyPortRemoval(port: string, pf: string): Promise<void> {
  const vfs = (await isPresent(devicePath(pf))) ? await readVirtfns(pf) : [];
  await writeSysfs(devicePath(port, 'remove'), '1');
  await waitFor(
    async () => {
      const left = await Promise.all([pf, ...vfs].map((pci) => isPresent(devicePath(pci))));
      return left.some(Boolean) ? undefined : true;
    },
    { what: `${pf} and its VFs gone after removing port ${port}`, timeoutMs: GONE_MS, intervalMs: 100 },
  );
  await applySettle();
}

/** The start point: returns the instant just before `echo 1 > /sys/bus/pci/rescan`. */
export async function applyRescan(): Promise<Instant> {
  const t0 = readInstant();
  await writeSysfs(join(PCI_BUS, 'rescan'), '1');
  return t0;
}

export interface BoundSeen {
  /** First poll that saw the PF bound to its driver, ms after t0 (at poll resolution). */
  pfBoundMs: number | undefined;
  /** First poll that saw `count` VFs all on vfio-pci, ms after t0. */
  vfsBoundMs: number;
}

/** How often the end state is polled: the figures' resolution. */
export const POLL_MS = 20;

/**
 * Whether the PF has `count` VFs, every one bound to vfio-pci. The first
 * look is one readdir of the driver's directory (its links are the bound
 * devices), so the poll itself takes next to no CPU from what it watches.
 */
async function isAllOnVfio(pf: string, count: number): Promise<boolean> {
  const bus = pf.slice(0, pf.lastIndexOf(':') + 1);
  const bound = await readdir(VFIO_DRIVER).catch(() => []);
  if (bound.filter((name) => name.startsWith(bus) && name !== pf).length < count) return false;
  const vfs = await readVirtfns(pf).catch(() => []);
  if (vfs.length !== count) return false;
  const drivers = await Promise.all(vfs.map((vf) => readDriver(vf).catch(() => undefined)));
  return drivers.every((d) => d === 'vfio-pci');
}

/**
 * Polls (every `intervalMs`: the figure's resolution) until every VF is on
 * vfio-pci, noting when the PF's own driver bound on the way.
 */
export async function waitForAllOnVfio(pf: string, count: number, t0: Instant, intervalMs: number): Promise<BoundSeen> {
  let pfBoundMs: number | undefined;
  const vfsBoundMs = await waitFor(
    async () => {
      if (pfBoundMs === undefined && (await readDriver(pf).catch(() => undefined)) !== undefined) pfBoundMs = readMsSince(t0);
      return (await isAllOnVfio(pf, count)) ? readMsSince(t0) : undefined;
    },
    { what: `${count} VFs of ${pf} on vfio-pci`, timeoutMs: GONE_MS, intervalMs },
  );
  return { pfBoundMs, vfsBoundMs };
}
