// Bind a VF to its wanted driver the way driverctl and the kernel docs do:
// driver_override, unbind from the current driver, drivers_probe. If the
// probe does not take it, the VF goes back to the driver it had and the
// failure says the likely cause (no IOMMU group = IOMMU off).
import { HostError } from '../host/host-error.js';
import { readDriver } from '../reconcile/read-device.js';
import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

export async function applyBindDriver(step: StepOf<'bind-driver'>, { host }: ActionContext): Promise<ActionResult> {
  const dev = `bus/pci/devices/${step.vf}`;
  const before = await readDriver(host, step.vf);
  if (before === step.to) return { result: 'skipped', reason: `already on ${step.to}` };
  await host.sysfs.write(`${dev}/driver_override`, `${step.to}\n`);
  if (before !== null) await unbindQuietly(host, before, step.vf);
  await host.sysfs.write('bus/pci/drivers_probe', `${step.vf}\n`);
  const after = await readDriver(host, step.vf);
  if (after === step.to) return { result: 'ok', detail: before ?? 'unbound' };
  await rollback(host, step.vf, before);
  throw await bindFailure(host, step.vf, step.to, before);
}

async function unbindQuietly(host: ActionContext['host'], driver: string, pci: string): Promise<void> {
  try {
    await host.sysfs.write(`bus/pci/drivers/${driver}/unbind`, `${pci}\n`);
  } catch (e) {
    // ENODEV: it let go between our read and this write; that is what we wanted.
    if (!(e instanceof HostError && e.context.errno === 'ENODEV')) throw e;
  }
}

async function rollback(host: ActionContext['host'], pci: string, before: string | null): Promise<void> {
  await host.sysfs.write(`bus/pci/devices/${pci}/driver_override`, '\n').catch(() => undefined);
  if (before !== null) await host.sysfs.write('bus/pci/drivers_probe', `${pci}\n`).catch(() => undefined);
}

async function bindFailure(host: ActionContext['host'], pci: string, driver: string, before: string | null): Promise<HostError> {
  const back = before === null ? 'left unbound' : `returned to ${before}`;
  if (!(await host.sysfs.exists(`bus/pci/devices/${pci}/iommu_group`))) {
    return new HostError('ERR_NO_IOMMU_GROUP', `${driver} did not take ${pci}: it has no IOMMU group (${back})`, {
      pci,
      hint: 'the IOMMU is off: add intel_iommu=on iommu=pt (or amd_iommu=on) to GRUB_CMDLINE_LINUX_DEFAULT, update-grub, reboot',
    });
  }
  if (!(await host.sysfs.exists(`bus/pci/drivers/${driver}`))) {
    return new HostError('ERR_DRIVER_NOT_LOADED', `${driver} did not take ${pci}: the driver is not loaded (${back})`, { pci, hint: `modprobe ${driver}` });
  }
  return new HostError('ERR_BIND_FAILED', `${driver} did not take ${pci} (${back})`, { pci, hint: 'see the kernel log (journalctl -k) for the probe error' });
}
