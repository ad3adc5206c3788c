// The peers vfkeeper is compared with, each run by the floor's own script
// (bench/shell-floor.ts) with its bind part in place of the floor's, so
// they start from the same rescan and end at the same state:
// - driverctl (Debian's 0.111): `driverctl --nosave set-override ADDR
//   vfio-pci`, one process per VF, as an administrator scripts it. It ships
//   udev rules: 05-driverctl.rules (an add event of a device with a saved
//   override starts driverctl@.service; --nosave saves none) and
//   89-vfio-uio.rules (each vfio group's add runs /lib/udev/vfio_name and
//   tags it for systemd). They are in place for its runs only, and their
//   udev cost is timed as vfkeeper's are (bench/rules-settle.ts), on the
//   add events they match.
// - dpdk-devbind.py (Debian's dpdk 22.11): `-b vfio-pci ADDR...`, one call
//   for every VF. dpdk ships no udev rules. It binds only the device classes
//   it knows (network and a few others, not NVMe): on the NVMe PF a copy
//   under /tmp learns the NVMe class; the installed one is not touched.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { readIommuGroup, readVirtfns } from '../lib/sysfs.js';
import type { PfKind } from './bench-pfs.js';
import type { SettleTarget } from './rules-settle.js';
import { formatBindScript } from './shell-floor.js';

export const DRIVERCTL_RULES = ['/lib/udev/rules.d/05-driverctl.rules', '/lib/udev/rules.d/89-vfio-uio.rules'] as const;
const DEVBIND = '/usr/bin/dpdk-devbind.py';
const DEVBIND_NVME = '/tmp/dpdk-devbind-nvme.py';
/** QEMU's NVMe controller (PF and VFs): class 01 (mass storage), 1b36:0010. */
const NVME_CLASS = "nvme_class = {'Class': '01', 'Vendor': '1b36', 'Device': '0010', 'SVendor': None, 'SDevice': None}";

export type PeerName = 'driverctl' | 'dpdk-devbind';

export interface Peer {
  name: PeerName;
  /** What the series is called in the results. */
  label: string;
  /** Its script for this kind of PF (the netdev's part on igb). */
  script(kind: PfKind): string;
  /** Makes what the script needs ready and returns its $3. */
  prepare(kind: PfKind): Promise<string>;
  /** Its own udev rules, in place only for its runs (none: dpdk). */
  rules: readonly string[];
}

const DRIVERCTL_BIND = `for link in "$pf"/virtfn*; do
  cd -P "$link"
  driverctl --nosave set-override "\${PWD##*/}" vfio-pci
done`;

const DEVBIND_BIND = `addrs=
for link in "$pf"/virtfn*; do
  cd -P "$link"
  addrs="$addrs \${PWD##*/}"
done
"$3" -b vfio-pci $addrs`;

/** The installed dpdk-devbind.py, or on the NVMe PF a copy that lists QEMU's NVMe controller among its misc devices. */
export async function prepareDevbind(kind: PfKind): Promise<string> {
  if (kind !== 'nvme') return DEVBIND;
  const text = await readFile(DEVBIND, 'utf8');
  const anchor = 'misc_devices = [';
  if (text.split(anchor).length !== 2) {
    throw new VfkeeperError('ERR_E2E_DEVBIND', `${DEVBIND}: expected one '${anchor}' to add the NVMe class to`);
  }
  await writeFile(DEVBIND_NVME, text.replace(anchor, `${NVME_CLASS}\n${anchor}nvme_class, `), { mode: 0o755 });
  return DEVBIND_NVME;
}

export const PEERS: readonly Peer[] = [
  {
    name: 'driverctl',
    label: 'driverctl --nosave set-override per VF',
    script: (kind) => formatBindScript(DRIVERCTL_BIND, kind),
    prepare: () => Promise.resolve(''),
    rules: DRIVERCTL_RULES,
  },
  {
    name: 'dpdk-devbind',
    label: 'dpdk-devbind.py -b vfio-pci, one call',
    script: (kind) => formatBindScript(DEVBIND_BIND, kind),
    prepare: prepareDevbind,
    rules: [],
  },
];

/** The vfio group devices of the PF's VFs (/sys/class/vfio/N): what 89-vfio-uio.rules acts on. */
async function readVfioGroupDevices(pf: string): Promise<string[]> {
  const groups = new Set(await Promise.all((await readVirtfns(pf)).map((vf) => readIommuGroup(vf))));
  const present = new Set(await readdir('/sys/class/vfio').catch(() => []));
  return [...groups].filter((g) => present.has(g)).map((g) => join('/sys/class/vfio', g));
}

/** driverctl's rules act on add events only: of the PCI devices (05) and of their vfio groups (89). */
export function driverctlSettleTarget(pf: string): SettleTarget {
  return { paths: DRIVERCTL_RULES, action: 'add', extraDevices: () => readVfioGroupDevices(pf) };
}
