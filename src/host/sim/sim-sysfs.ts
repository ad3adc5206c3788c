// The Sysfs port over the simulated kernel: paths are routed to the state
// the way the kernel lays them out, values end in a newline, links point
// where the kernel's do, and writes go through the kernel's rules.
import type { Sysfs } from '../types.js';
import { HostError } from '../host-error.js';
import { hexId, kernelError, type SimKernel } from './kernel.js';
import { readAttribute, listPath, readSimLink, pathExists } from './sim-paths.js';
import { rescanPci, removeDevice } from './hotplug.js';
import { takeFault } from './faults.js';

const DEV = /^bus\/pci\/devices\/([0-9a-f:.]+)\/([a-z_]+)$/;
const DRV = /^bus\/pci\/drivers\/([\w-]+)\/(bind|unbind)$/;

export function createSimSysfs(kernel: SimKernel): Sysfs {
  return {
    async read(path) {
      const fault = takeFault(kernel.state, 'read', path);
      if (fault?.kind === 'errno') throw fault.error;
      if (fault?.kind === 'hang') return new Promise<string>(() => undefined);
      return readAttribute(kernel, path);
    },
    async readLink(path) {
      return readSimLink(kernel, path);
    },
    async list(path) {
      return listPath(kernel, path);
    },
    async exists(path) {
      return pathExists(kernel, path);
    },
    async write(path, value) {
      try {
        const fault = takeFault(kernel.state, 'write', path, value);
        if (fault?.kind === 'hang') return new Promise<void>(() => undefined);
        if (fault?.kind === 'errno') throw fault.error;
        await writeAttribute(kernel, path, value);
        kernel.logWrite(path, value, 'ok');
      } catch (e) {
        kernel.logWrite(path, value, e instanceof HostError ? (e.context.errno ?? e.code) : 'EIO');
        throw e;
      }
    },
  };
}

function writeAttribute(kernel: SimKernel, path: string, value: string): Promise<void> | void {
  if (path === 'bus/pci/drivers_probe') return probeByAddress(kernel, path, value.trim());
  if (path === 'bus/pci/rescan') return rescanPci(kernel);
  const drv = DRV.exec(path);
  if (drv) return bindOrUnbind(kernel, path, drv[1] ?? '', drv[2] === 'bind', value.trim());
  const m = DEV.exec(path);
  if (!m) throw kernelError('EACCES', path, `Could not write ${path}`);
  const [pci = '', attr] = [m[1], m[2]];
  if (kernel.isRemoved(pci)) throw kernelError('ENODEV', path, `Could not write ${path} (device removed)`);
  const pf = kernel.findPf(pci);
  if (pf && attr === 'sriov_numvfs') return kernel.setNumVfs(pf, value, path);
  if (pf && attr === 'sriov_drivers_autoprobe') {
    if (!/^\s*[01]\s*$/.test(value)) throw kernelError('EINVAL', path, `Could not write ${path}`);
    pf.autoprobe = value.trim() === '1';
    return;
  }
  if (attr === 'remove') return removeDevice(kernel, pci);
  const found = kernel.findVf(pci);
  if (found && attr === 'driver_override') {
    const v = value.trim();
    found.vf.driverOverride = v === '' ? null : v;
    return;
  }
  throw kernelError(pf || found ? 'EACCES' : 'ENOENT', path, `Could not write ${path}`);
}

function probeByAddress(kernel: SimKernel, path: string, pci: string): void {
  const found = kernel.findVf(pci);
  if (!found) {
    if (kernel.findPf(pci)) return;
    throw kernelError('ENODEV', path, `Could not probe ${pci}`);
  }
  kernel.probe(found.pf, found.vf);
}

function bindOrUnbind(kernel: SimKernel, path: string, driver: string, bind: boolean, pci: string): void {
  if (!kernel.state.loadedDrivers.includes(driver)) throw kernelError('ENOENT', path, `No driver ${driver}`);
  const found = kernel.findVf(pci);
  if (!found) throw kernelError('ENODEV', path, `Could not ${bind ? 'bind' : 'unbind'} ${pci}`);
  const { pf, vf } = found;
  if (!bind) {
    if (vf.driver !== driver) throw kernelError('ENODEV', path, `${pci} is not bound to ${driver}`);
    return kernel.unbind(pf, vf);
  }
  if (vf.driver !== null) throw kernelError('EBUSY', path, `${pci} is already bound to ${vf.driver}`);
  if (vf.driverOverride !== null && vf.driverOverride !== driver)
    throw kernelError('ENODEV', path, `${pci} has driver_override ${vf.driverOverride}`);
  if (!kernel.bind(pf, vf, driver)) throw kernelError('EINVAL', path, `${driver} refused ${pci} (${hexId(pf.vendor, pf.vfDevice)})`);
}
