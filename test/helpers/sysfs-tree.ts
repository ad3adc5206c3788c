// Lay a simulated host's state out as a sysfs-shaped tree of real files and
// symlinks under a temporary directory, for the real adapter's contract tests.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimState } from '../../src/host/sim/state.js';

const hex = (n: number) => `0x${n.toString(16).padStart(4, '0')}\n`;

function device(root: string, pci: string, attrs: Record<string, string>, links: Record<string, string>): void {
  const dir = join(root, 'bus/pci/devices', pci);
  mkdirSync(dir, { recursive: true });
  for (const [name, value] of Object.entries(attrs)) writeFileSync(join(dir, name), value);
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
}

export function writeSysfsTree(state: SimState, root: string): void {
  for (const d of state.loadedDrivers) mkdirSync(join(root, 'bus/pci/drivers', d), { recursive: true });
  writeFileSync(join(root, 'bus/pci/drivers_probe'), '');
  for (const pf of state.pfs) {
    const links: Record<string, string> = pf.driver ? { driver: `../../../bus/pci/drivers/${pf.driver}` } : {};
    pf.vfs.forEach((vf, i) => (links[`virtfn${i}`] = `../${vf.pci}`));
    device(
      root,
      pf.pci,
      {
        vendor: hex(pf.vendor),
        device: hex(pf.device),
        sriov_totalvfs: `${pf.totalVfs}\n`,
        sriov_numvfs: `${pf.numVfs}\n`,
        sriov_drivers_autoprobe: pf.autoprobe ? '1\n' : '0\n',
        sriov_offset: `${pf.offset}\n`,
        sriov_stride: `${pf.stride}\n`,
        numa_node: `${pf.numaNode ?? 0}\n`,
      },
      links,
    );
    if (pf.netdev) {
      mkdirSync(join(root, 'bus/pci/devices', pf.pci, 'net', pf.netdev), { recursive: true });
      mkdirSync(join(root, 'class/net', pf.netdev), { recursive: true });
      writeFileSync(join(root, 'class/net', pf.netdev, 'mtu'), `${pf.mtu}\n`);
      writeFileSync(join(root, 'class/net', pf.netdev, 'flags'), pf.up ? '0x1003\n' : '0x1002\n');
    }
    for (const vf of pf.vfs) {
      const vfLinks: Record<string, string> = { physfn: `../${pf.pci}` };
      if (vf.driver) vfLinks['driver'] = `../../../bus/pci/drivers/${vf.driver}`;
      if (vf.iommuGroup) vfLinks['iommu_group'] = `../../../kernel/iommu_groups/${vf.iommuGroup}`;
      device(
        root,
        vf.pci,
        { vendor: hex(pf.vendor), device: hex(pf.vfDevice), driver_override: `${vf.driverOverride ?? '(null)'}\n` },
        vfLinks,
      );
      if (vf.netdev) mkdirSync(join(root, 'bus/pci/devices', vf.pci, 'net', vf.netdev), { recursive: true });
    }
  }
}
