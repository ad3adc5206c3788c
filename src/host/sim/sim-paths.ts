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
    numa_node: pf.numaNode ?? 0,
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

/** The attribute's value, or undefined where the kernel has no such file. */
function lookupAttribute(kernel: SimKernel, path: string): string | undefined {
  const m = DEV.exec(path);
  if (m) {
    const found = device(kernel, m[1] ?? '');
    return found && (found.vf ? vfAttribute(found.pf, found.vf, m[2] ?? '') : pfAttribute(found.pf, m[2] ?? ''));
  }
  const n = NET.exec(path);
  const pf = n && kernel.state.pfs.find((p) => p.netdev === n[1]);
  if (!pf || !n) return undefined;
  const values: Record<string, string> = {
    mtu: `${pf.mtu}\n`,
    flags: pf.up ? '0x1003\n' : '0x1002\n',
    // A down link has no carrier to read (the kernel answers EINVAL): absent here.
    ...(pf.up ? { carrier: '1\n' } : {}),
    operstate: pf.up ? 'up\n' : 'down\n',
    address: `${pf.permMac ?? '00:00:00:00:00:00'}\n`,
  };
  return values[n[2] ?? ''];
}

export function readAttribute(kernel: SimKernel, path: string): string {
  const value = lookupAttribute(kernel, path);
  if (value !== undefined) return value;
  const removed = kernel.isRemoved(DEV.exec(path)?.[1] ?? '');
  throw kernelError(removed ? 'ENODEV' : 'ENOENT', path, `Could not read ${path}`);
}

function lookupLink(kernel: SimKernel, path: string): string | undefined {
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
  return pf ? `../../../${pf.pci}` : undefined;
}

export function readSimLink(kernel: SimKernel, path: string): string {
  const link = lookupLink(kernel, path);
  if (link === undefined) throw kernelError('ENOENT', path, `Could not read link ${path}`);
  return link;
}

function lookupList(kernel: SimKernel, path: string): string[] | undefined {
  if (path === 'bus/pci/devices') return kernel.state.pfs.flatMap((pf) => [pf.pci, ...pf.vfs.map((v) => v.pci)]).sort();
  if (path === 'class/net')
    return kernel.state.pfs
      .flatMap((pf) => [pf.netdev, ...pf.vfs.map((v) => v.netdev)])
      .filter((n): n is string => n !== null)
      .sort();
  const m = DEV.exec(path);
  const found = m ? device(kernel, m[1] ?? '') : undefined;
  const netdev = found && m?.[2] === 'net' ? (found.vf ? found.vf.netdev : found.pf.netdev) : null;
  return netdev ? [netdev] : undefined;
}

export function listPath(kernel: SimKernel, path: string): string[] {
  const names = lookupList(kernel, path);
  if (names === undefined) throw kernelError('ENOENT', path, `Could not list ${path}`);
  return names;
}

/** Without throwing: observe asks this of every device, and an error per miss is costly. */
export function pathExists(kernel: SimKernel, path: string): boolean {
  const drv = /^bus\/pci\/drivers\/([\w-]+)$/.exec(path);
  if (drv) return kernel.state.loadedDrivers.includes(drv[1] ?? '');
  if (lookupAttribute(kernel, path) !== undefined || lookupLink(kernel, path) !== undefined || lookupList(kernel, path) !== undefined)
    return true;
  const m = DEV.exec(path);
  return m !== null && m[2] === undefined && device(kernel, m[1] ?? '') !== undefined;
}
