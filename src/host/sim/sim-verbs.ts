// What `vfkeeper sim ...` does to a simulated host, shared by the CLI (on
// the state file) and a daemon running against that host (over its control
// socket), so both change the host the same way and through the kernel's rules.
import { HostError } from '../host-error.js';
import { parsePciAddress } from '../../model/pci.js';
import { pciAttr } from '../sysfs-paths.js';
import type { SimVerb, Sysfs } from '../types.js';
import type { SimKernel } from './kernel.js';

export type { SimVerb };
export const SIM_VERBS: readonly SimVerb[] = ['open-vfio', 'close-vfio', 'remove', 'rescan'];

/** The holder a VM looks like in /proc: QEMU with a pid. */
const VM = 'qemu-system-x86[4242]';

export async function applySimVerb(host: { kernel: SimKernel; sysfs: Sysfs }, verb: SimVerb, pciText: string | undefined): Promise<void> {
  if (verb === 'rescan') return host.sysfs.write('bus/pci/rescan', '1\n');
  const pci = parsePciAddress(pciText ?? '', `sim ${verb}`);
  if (verb === 'remove') return host.sysfs.write(pciAttr(pci, 'remove'), '1\n');
  const group = host.kernel.findVf(pci)?.vf.iommuGroup;
  if (group === undefined || group === null) {
    throw new HostError('ERR_SIM_NO_VF', `${pci} is not a VF with an IOMMU group on the simulated host`, {
      pci,
      hint: 'see `vfkeeper status` for the VFs',
    });
  }
  if (verb === 'open-vfio') host.kernel.state.openVfioGroups[group] = [VM];
  else delete host.kernel.state.openVfioGroups[group];
}
