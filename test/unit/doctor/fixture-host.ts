// Fixture roots for the doctor and the firmware tests: a temporary directory
// laid out like a host's /proc, /sys/kernel, /etc, /lib, /dev, /tmp and
// /var/log. Two starting points: a freshly installed Ubuntu host, and one set
// up as the guide says; or the firmware tree alone. useFixtureRoot() gives
// each test its own root; tests then change one thing and look at the result.
import { chown, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { defaultConfig, type Config } from '../../../src/model/config.js';
import type { ObservedPf } from '../../../src/model/observed.js';
import type { DoctorInputs } from '../../../src/doctor/types.js';
import { pf as observedPf } from '../../helpers/observed.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

export const isRoot = process.getuid?.() === 0;
/** libvirt-qemu:kvm in the fixture's /etc/passwd and /etc/group; our own ids when not root (no chown). */
export const QEMU = isRoot ? { uid: 64055, gid: 993 } : { uid: process.getuid?.() ?? 1000, gid: process.getgid?.() ?? 1000 };
export const KERNEL = '6.8.0-31-generic';
export const BOARDS = ['nic_AMDA0058-0011_2x40.nffw', 'nic_AMDA0058-0012_2x40.nffw', 'nic_AMDA0081-0001_1x40.nffw'];

export interface FixtureRoot {
  /** The current test's root. */
  readonly root: string;
}

/** Registers hooks that give each test a fresh root laid out by `write` (empty by default) and remove it after. */
export function useFixtureRoot(write: (root: string) => Promise<void> = async () => undefined): FixtureRoot {
  let current: TempDir | null = null;
  beforeEach(async () => {
    current = tempDir('vfkeeper-doctor-');
    await write(current.dir);
  });
  afterEach(() => {
    current?.remove();
    current = null;
  });
  return {
    get root() {
      if (current === null) throw new Error('the fixture root exists only while a test runs');
      return current.dir;
    },
  };
}

export async function put(root: string, path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

export async function dir(root: string, path: string, owner?: { uid: number; gid: number }): Promise<void> {
  await mkdir(join(root, path), { recursive: true });
  if (owner && isRoot) await chown(join(root, path), owner.uid, owner.gid);
}

export async function link(root: string, path: string, target: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await rm(join(root, path), { force: true });
  await symlink(target, join(root, path));
}

export async function remove(root: string, path: string): Promise<void> {
  await rm(join(root, path), { recursive: true, force: true });
}

/** The guide's Agilio PF (56 VFs, jumbo MTU) running `firmware`. */
export function pf(firmware: string | null, numVfs = 0): ObservedPf {
  return observedPf({ firmware, numVfs, link: { up: true, mtu: 9216 }, permMac: '00:15:4d:13:00:01', totalVfs: 56, autoprobe: true });
}

/** The upstream /etc/default/virtioforwarder, as the package installs it (client mode). */
export function forwarderDefaults(client: string): string {
  return [
    '# Virtio-forwarder daemon: forward packets between SR-IOV VFs (serviced by DPDK)',
    'VIRTIOFWD_CPU_MASK=1,2',
    '# Use IPC to add/remove VF&virtio instead of OVSDB (default: use OVSDB)',
    'VIRTIOFWD_IPC_PORT_CONTROL=y',
    'VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2)',
    'VIRTIOFWD_ZMQ_PORT_CONTROL_EP=ipc:///var/run/virtio-forwarder/port_control',
    'VIRTIOFWD_SOCKET_DIR=/tmp/virtio-forwarder',
    '# Non-blank enables vhostuser client mode (default: server mode)',
    `VIRTIOFWD_VHOST_CLIENT=${client}`,
    '',
  ].join('\n');
}

const APPARMOR_STOCK = ['  # stock abstraction', '  /tmp/ r,', '  /dev/hugepages/libvirt/qemu/** rw,', ''].join('\n');

export const APPARMOR_GUIDE_LINES = [
  '/tmp/virtio-forwarder/** rwmix,',
  '# for latest QEMU',
  '/usr/lib/x86_64-linux-gnu/qemu/* rmix,',
  '# for access to hugepages',
  'owner "/dev/hugepages/libvirt/qemu/**" rw,',
  'owner "/dev/hugepages-1G/libvirt/qemu/**" rw,',
];

/** /lib/firmware/netronome as linux-firmware installs it, each board's top-level link pointing into `flavour`/. */
export async function writeFirmwareTree(root: string, flavour: 'nic' | 'nic-sriov'): Promise<void> {
  for (const f of ['nic', 'nic-sriov']) {
    for (const board of BOARDS) await put(root, `/lib/firmware/netronome/${f}/${board}`, `${f}\n`);
  }
  await put(root, '/lib/firmware/netronome/flower/nic_AMDA0081.nffw', 'flower\n');
  await link(root, '/lib/firmware/netronome/flower/nic_AMDA0081-0001_1x40.nffw', 'nic_AMDA0081.nffw');
  for (const board of BOARDS) await link(root, `/lib/firmware/netronome/${board}`, `${flavour}/${board}`);
}

/** A board with firmware in nic/ only (no nic-sriov/ counterpart), linked into nic/. */
export async function writeOrphanBoard(root: string): Promise<void> {
  await put(root, '/lib/firmware/netronome/nic/nic_AMDA0099-0001_2x25.nffw', 'nic\n');
  await link(root, '/lib/firmware/netronome/nic_AMDA0099-0001_2x25.nffw', 'nic/nic_AMDA0099-0001_2x25.nffw');
}

/** What every host has: accounts, os-release, CPU, modules, the forwarder package. */
async function writeCommon(root: string): Promise<void> {
  await put(root, '/etc/os-release', 'NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\n');
  await put(
    root,
    '/etc/passwd',
    `root:x:0:0:root:/root:/bin/bash\nlibvirt-qemu:x:${QEMU.uid}:108:Libvirt Qemu,,,:/var/lib/libvirt:/usr/sbin/nologin\n`,
  );
  await put(root, '/etc/group', `root:x:0:\nkvm:x:${QEMU.gid}:\nlibvirt:x:108:\n`);
  await put(root, '/proc/cpuinfo', 'processor\t: 0\nvendor_id\t: GenuineIntel\n');
  await put(
    root,
    `/lib/modules/${KERNEL}/modules.dep`,
    'kernel/drivers/vfio/pci/vfio-pci.ko.zst: kernel/drivers/vfio/pci/vfio-pci-core.ko.zst\n',
  );
  await put(root, `/lib/modules/${KERNEL}/modules.builtin`, 'kernel/drivers/vfio/vfio.ko\n');
  await put(root, '/lib/systemd/system/virtio-forwarder.service', '[Service]\nExecStart=/usr/lib/virtio-forwarder/vio4wd-start.sh\n');
  await dir(root, '/sys/kernel/iommu_groups');
  await dir(root, '/var/log');
}

/** Ubuntu as installed, plus linux-firmware and the virtio-forwarder package; nothing of the guide done. */
export async function writeFreshHost(root: string): Promise<void> {
  await writeCommon(root);
  await put(root, '/proc/cmdline', 'BOOT_IMAGE=/boot/vmlinuz-6.8.0-31-generic root=UUID=179b45a3 ro quiet splash\n');
  await put(root, '/proc/meminfo', 'MemTotal:       65843808 kB\nHugepagesize:       2048 kB\n');
  await put(root, '/proc/mounts', 'proc /proc proc rw 0 0\nhugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n');
  await put(root, '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages', '0\n');
  await put(root, '/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages', '0\n');
  await dir(root, '/dev/hugepages');
  await writeFirmwareTree(root, 'nic');
  await put(root, '/etc/apparmor.d/abstractions/libvirt-qemu', APPARMOR_STOCK);
  await put(root, '/etc/default/virtioforwarder', forwarderDefaults('y'));
  await put(root, '/var/log/kern.log', 'Jun  1 10:00:01 host kernel: nfp 0000:02:00.0: nfp: PCI SR-IOV:-12\n');
}

/** Every step of the guide done. */
export async function writeGuideHost(root: string): Promise<void> {
  await writeCommon(root);
  await put(
    root,
    '/proc/cmdline',
    'BOOT_IMAGE=/boot/vmlinuz-6.8.0-31-generic root=UUID=179b45a3 ro console=tty1 intel_iommu=on iommu=pt hugepagesz=2M hugepages=1375 default_hugepagesz=1G hugepagesz=1G hugepages=8\n',
  );
  await put(root, '/proc/meminfo', 'MemTotal:       65843808 kB\nHugepagesize:    1048576 kB\n');
  await put(
    root,
    '/proc/mounts',
    'hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\nnodev /dev/hugepages-1G hugetlbfs rw,relatime,pagesize=1024M 0 0\n',
  );
  await put(root, '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages', '1375\n');
  await put(root, '/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages', '8\n');
  // One socket: one NUMA node holding every CPU and every page.
  await put(root, '/sys/devices/system/node/node0/cpulist', '0-3\n');
  await put(root, '/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages', '1375\n');
  await put(root, '/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages', '8\n');
  for (const g of ['0', '1', '17']) await dir(root, `/sys/kernel/iommu_groups/${g}/devices`);
  await dir(root, '/sys/module/vfio_pci');
  await dir(root, '/dev/hugepages/libvirt', QEMU);
  await dir(root, '/dev/hugepages-1G/libvirt', QEMU);
  await writeFirmwareTree(root, 'nic-sriov');
  await put(
    root,
    '/etc/apparmor.d/abstractions/libvirt-qemu',
    `${APPARMOR_STOCK.replace('/tmp/ r,', '/tmp/{,**} r,')}${APPARMOR_GUIDE_LINES.join('\n')}\n`,
  );
  await put(root, '/etc/default/virtioforwarder', forwarderDefaults(''));
  await link(root, '/etc/systemd/system/multi-user.target.wants/virtio-forwarder.service', '/lib/systemd/system/virtio-forwarder.service');
  await dir(root, '/tmp/virtio-forwarder', QEMU);
  await put(root, '/tmp/virtio-forwarder/virtio-forwarder1.sock', '');
  if (isRoot) await chown(join(root, '/tmp/virtio-forwarder/virtio-forwarder1.sock'), QEMU.uid, QEMU.gid);
  await put(
    root,
    '/var/log/kern.log',
    'Jun  1 10:00:01 host kernel: nfp 0000:02:00.0: Netronome Flow Processor NFP4000/NFP5000/NFP6000 PCIe Card Probe\n',
  );
}

/** Inputs for a fixture root: the guide's PF and a forwarder that answers, unless overridden. */
export function inputsFor(root: string, over: Partial<DoctorInputs> = {}): DoctorInputs {
  const config: Config = defaultConfig();
  return {
    root,
    config,
    pfs: [pf('sriov-2.1.14')],
    probeForwarder: () => Promise.resolve([]),
    readUnitActiveState: () => Promise.resolve('active'),
    kernelRelease: KERNEL,
    ...over,
  };
}
