// Reading the simulated kernel through sysfs paths: attributes, links and
// directory listings laid out as in /sys (values end in "\n").
import type { SimKernel } from './kernel.js';
import { kernelError } from './kernel.js';
import type { SimPf, SimVf } from './state.js';

const DEV = /^bus\/pci\/devices\/([0-9a-f:.]+)(?:\/(.+))?$/;
const NET = /^class\/net\/([^/]+)(?:\/(.+))?$/;

type Found = { pf: SimPf; vf?: SimVf };

function device(kernel: SimKernel, pci: string): Found | undefined {
  const pf = kernel.findPf(pci);
  if (pf) return { pf };
  return kernel.findVf(pci);
}

const hex = (n: number): string => `0x${n.toString(16).padStart(4, '0')}\n`;

function pfAttribute(pf: SimPf, attr: string): string | undefined {
  const values: Record<string, string | number> = {
    vendor: hex(pf.vendor),
    device: hex(pf.device),
    sriov_totalvfs: pf.totalVfs,
    sriov_numvfs: pf.numVfs,
    sriov_drivers_autoprobe: pf.autoprobe ? 1 : 0,
    sriov_offset: pf.offset,
    sriov_stride: pf.stride,
    sriov_vf_device: pf.vfDevice.toString(16),
    numa_node: 0,
  };
  const v = values[attr];
  return v === undefined ? undefined : String(v).endsWith('\n') ? String(v) : `${v}\n`;
}

function vfAttribute(pf: SimPf, vf: SimVf, attr: string): string | undefined {
  if (attr === 'vendor') return hex(pf.vendor);
  if (attr === 'device') return hex(pf.vfDevice);
  if (attr === 'driver_override') return `${vf.driverOverride ?? '(null)'}\n`;
  if (attr === 'numa_node') return '0\n';
  return undefined;
}

export function readAttribute(kernel: SimKernel, path: string): string {
  const m = DEV.exec(path);
  if (m) {
    const [pci = '', attr = ''] = [m[1], m[2]];
    if (kernel.isRemoved(pci)) throw kernelError('ENODEV', path, `Could not read ${path}`);
    const found = device(kernel, pci);
    const value = found && (found.vf ? vfAttribute(found.pf, found.vf, attr) : pfAttribute(found.pf, attr));
    if (value !== undefined) return value;
  }
  const n = NET.exec(path);
  const pf = n && kernel.state.pfs.find((p) => p.netdev === n[1]);
  if (pf && n) {
    const values: Record<string, string> = { mtu: `${pf.mtu}\n`, flags: pf.up ? '0x1003\n' : '0x1002\n', operstate: pf.up ? 'up\n' : 'down\n', address: `${pf.permMac ?? '00:00:00:00:00:00'}\n` };
    const v = values[n[2] ?? ''];
    if (v !== undefined) return v;
  }
  throw kernelError('ENOENT', path, `Could not read ${path}`);
}

export function readSimLink(kernel: SimKernel, path: string): string {
  const m = DEV.exec(path);
  const found = m ? device(kernel, m[1] ?? '') : undefined;
  const attr = m?.[2] ?? '';
  if (found) {
    const vf = found.vf;
    const driver = vf ? vf.driver : found.pf.driver;
    if (attr === 'driver' && driver) return `../../../bus/pci/drivers/${driver}`;
    if (vf && attr === 'physfn') return `../${found.pf.pci}`;
    if (vf && attr === 'iommu_group' && vf.iommuGroup !== null) return `../../../kernel/iommu_groups/${vf.iommuGroup}`;
    const virtfn = /^virtfn(\d+)$/.exec(attr);
    const target = virtfn && !vf ? found.pf.vfs[Number(virtfn[1])] : undefined;
    if (target) return `../${target.pci}`;
  }
  const n = NET.exec(path);
  const pf = n && n[2] === 'device' ? kernel.state.pfs.find((p) => p.netdev === n[1]) : undefined;
  if (pf) return `../../../${pf.pci}`;
  throw kernelError('ENOENT', path, `Could not read link ${path}`);
}

export function listPath(kernel: SimKernel, path: string): string[] {
  if (path === 'bus/pci/devices') return kernel.state.pfs.flatMap((pf) => [pf.pci, ...pf.vfs.map((v) => v.pci)]).sort();
  if (path === 'class/net') return kernel.state.pfs.flatMap((pf) => [pf.netdev, ...pf.vfs.map((v) => v.netdev)]).filter((n): n is string => n !== null).sort();
  const m = DEV.exec(path);
  const found = m ? device(kernel, m[1] ?? '') : undefined;
  if (found && m?.[2] === 'net') {
    const netdev = found.vf ? found.vf.netdev : found.pf.netdev;
    if (netdev) return [netdev];
  }
  throw kernelError('ENOENT', path, `Could not list ${path}`);
}

export function pathExists(kernel: SimKernel, path: string): boolean {
  const drv = /^bus\/pci\/drivers\/([\w-]+)$/.exec(path);
  if (drv) return kernel.state.loadedDrivers.includes(drv[1] ?? '');
  for (const probe of [() => readAttribute(kernel, path), () => readSimLink(kernel, path), () => listPath(kernel, path)]) {
    try {
      probe();
      return true;
    } catch {
      // not this kind of node
    }
  }
  const m = DEV.exec(path);
  return m !== null && m[2] === undefined && device(kernel, m[1] ?? '') !== undefined;
}
