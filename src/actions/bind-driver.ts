// Bind a VF to its wanted driver the way driverctl and the kernel docs do:
// driver_override, unbind from the current driver, drivers_probe. If the
// probe does not take it, the VF goes back to the driver it had and the
// failure says the likely cause (no IOMMU group = IOMMU off).
import { HostError } from '../host/host-error.js';
import { PCI_DRIVERS_PROBE, pciAttr, pciDriver } from '../host/sysfs-paths.js';
import { readDriver } from '../host/sysfs-read.js';
import { asVfkeeperError } from '../model/errors.js';
import { errnoOf } from '../model/errno.js';
import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

type Host = ActionContext['host'];

export async function applyBindDriver(step: StepOf<'bind-driver'>, { host }: ActionContext): Promise<ActionResult> {
  const before = await readDriver(host, step.vf);
  if (before === step.to) return { result: 'skipped', reason: `already on ${step.to}` };
  await host.sysfs.write(pciAttr(step.vf, 'driver_override'), `${step.to}\n`);
  if (before !== null) await unbindQuietly(host, before, step.vf);
  await host.sysfs.write(PCI_DRIVERS_PROBE, `${step.vf}\n`);
  const after = await readDriver(host, step.vf);
  if (after === step.to) return { result: 'ok', detail: before ?? 'unbound' };
  const rollbackError = await rollback(host, step.vf, before);
  throw await bindFailure(host, step.vf, step.to, before, rollbackError);
}

async function unbindQuietly(host: Host, driver: string, pci: string): Promise<void> {
  try {
    await host.sysfs.write(pciDriver(driver, 'unbind'), `${pci}\n`);
  } catch (e) {
    // ENODEV: it let go between our read and this write; that is what we wanted.
    if (errnoOf(e) !== 'ENODEV') throw e;
  }
}

/** Back to the driver it had; what went wrong on the way is returned, to be told with the bind failure. */
async function rollback(host: Host, pci: string, before: string | null): Promise<string | null> {
  try {
    await host.sysfs.write(pciAttr(pci, 'driver_override'), '\n');
    if (before !== null) await host.sysfs.write(PCI_DRIVERS_PROBE, `${pci}\n`);
    return null;
  } catch (e) {
    return asVfkeeperError(e).message;
  }
}

async function bindFailure(
  host: Host,
  pci: string,
  driver: string,
  before: string | null,
  rollbackError: string | null,
): Promise<HostError> {
  const back =
    rollbackError !== null ? `and could not be given back: ${rollbackError}` : before === null ? 'left unbound' : `returned to ${before}`;
  if (!(await host.sysfs.exists(pciAttr(pci, 'iommu_group')))) {
    return new HostError('ERR_NO_IOMMU_GROUP', `${driver} did not take ${pci}: it has no IOMMU group (${back})`, {
      pci,
      hint: 'the IOMMU is off: add intel_iommu=on iommu=pt (or amd_iommu=on) to GRUB_CMDLINE_LINUX_DEFAULT, update-grub, reboot',
    });
  }
  if (!(await host.sysfs.exists(pciDriver(driver)))) {
    return new HostError('ERR_DRIVER_NOT_LOADED', `${driver} did not take ${pci}: the driver is not loaded (${back})`, {
      pci,
      hint: `modprobe ${driver}`,
    });
  }
  return new HostError('ERR_BIND_FAILED', `${driver} did not take ${pci} (${back})`, {
    pci,
    hint: 'see the kernel log (journalctl -k) for the probe error',
  });
}
