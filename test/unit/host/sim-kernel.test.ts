// The simulated kernel keeps the kernel's rules (drivers/pci/iov.c,
// drivers/base/bus.c), checked through the same Sysfs port the core uses.
import { describe, expect, it } from 'vitest';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import { withWriteDeadline } from '../../../src/host/deadline-sysfs.js';

const NUMVFS = 'bus/pci/devices/0000:02:00.0/sriov_numvfs';
const host = (numVfs = 0) => {
  const h = createSimHost(createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' }));
  if (numVfs > 0) void h.sysfs.write(NUMVFS, `${numVfs}\n`);
  return h;
};
const errno = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { context?: { errno?: string } }) => e.context?.errno,
  );

describe('sriov_numvfs', () => {
  it('follows the kernel: same count no-op, non-zero to non-zero EBUSY, above total ERANGE, junk EINVAL', async () => {
    const h = host(4);
    expect(await errno(h.sysfs.write(NUMVFS, '4\n'))).toBe('ok');
    expect(await errno(h.sysfs.write(NUMVFS, '2\n'))).toBe('EBUSY');
    expect(await errno(h.sysfs.write(NUMVFS, '9\n'))).toBe('ERANGE');
    expect(await errno(h.sysfs.write(NUMVFS, 'two\n'))).toBe('EINVAL');
    expect(await errno(h.sysfs.write(NUMVFS, '0\n'))).toBe('ok');
    expect(await h.sysfs.read(NUMVFS)).toBe('0\n');
    expect(await errno(h.sysfs.write(NUMVFS, '2\n'))).toBe('ok');
    expect(h.kernel.state.writes.map((w) => `${w.value}:${w.result}`)).toEqual([
      '4:ok',
      '4:ok',
      '2:EBUSY',
      '9:ERANGE',
      'two:EINVAL',
      '0:ok',
      '2:ok',
    ]);
  });

  it('is ENOENT with no PF driver bound (a hot-added PF before its bind)', async () => {
    const h = host();
    const pf = h.kernel.findPf('0000:02:00.0');
    if (pf) pf.driver = null;
    expect(await errno(h.sysfs.write(NUMVFS, '2\n'))).toBe('ENOENT');
  });

  it('with autoprobe on binds new VFs to the NIC VF driver (with a netdev); with it off leaves them unbound', async () => {
    const h = host(2);
    expect(h.kernel.findVf('0000:02:08.1')?.vf).toMatchObject({ driver: 'nfp_netvf', netdev: 'enp2s0np0v1' });
    await h.sysfs.write(NUMVFS, '0\n');
    await h.sysfs.write('bus/pci/devices/0000:02:00.0/sriov_drivers_autoprobe', '0\n');
    await h.sysfs.write(NUMVFS, '2\n');
    expect(h.kernel.findVf('0000:02:08.1')?.vf).toMatchObject({ driver: null, netdev: null });
  });

  it('emits udev-shaped events: VF add with an empty DRIVER, then bind with it, and a PF change', async () => {
    const h = host(1);
    const events = h.kernel.state.events.map((e) =>
      `${e.action} ${e.subsystem} ${e.properties['PCI_SLOT_NAME'] ?? e.properties['INTERFACE']} ${e.properties['DRIVER'] ?? ''}`.trim(),
    );
    expect(events).toEqual([
      'add pci 0000:02:08.0',
      'bind pci 0000:02:08.0 nfp_netvf',
      'add net enp2s0np0v0',
      'change pci 0000:02:00.0 nfp',
    ]);
  });

  it('blocks removing VFs while a VF group is open, as vfio does (reported by the write deadline)', async () => {
    const h = host(2);
    const group = h.kernel.findVf('0000:02:08.0')?.vf.iommuGroup ?? '';
    h.kernel.state.openVfioGroups[group] = ['qemu[1]'];
    const sysfs = withWriteDeadline(h.sysfs, 50);
    await expect(sysfs.write(NUMVFS, '0\n')).rejects.toMatchObject({ code: 'ERR_SYSFS_TIMEOUT' });
    await expect(sysfs.write(NUMVFS, '0\n')).rejects.toThrow(/still not returned/);
  });

  it('lets writes to one path within their deadline go together (several VFs\u2019 binds share drivers_probe)', async () => {
    const h = host(2);
    await h.modules.load('vfio-pci');
    const sysfs = withWriteDeadline(h.sysfs, 5000);
    const vfs = ['0000:02:08.0', '0000:02:08.1'];
    for (const vf of vfs) {
      await sysfs.write(`bus/pci/devices/${vf}/driver_override`, 'vfio-pci\n');
      await sysfs.write('bus/pci/drivers/nfp_netvf/unbind', `${vf}\n`);
    }
    await Promise.all(vfs.map((vf) => sysfs.write('bus/pci/drivers_probe', `${vf}\n`)));
    for (const vf of vfs) expect(await h.sysfs.readLink(`bus/pci/devices/${vf}/driver`)).toMatch(/vfio-pci$/);
  });
});

describe('driver binding', () => {
  const VF = '0000:02:08.0';
  it('driver_override + unbind + drivers_probe moves a VF to vfio-pci once it is loaded', async () => {
    const h = host(1);
    await h.sysfs.write(`bus/pci/devices/${VF}/driver_override`, 'vfio-pci\n');
    expect(await errno(h.sysfs.write('bus/pci/drivers/vfio-pci/unbind', `${VF}\n`))).toBe('ENOENT');
    expect(await errno(h.sysfs.write('bus/pci/drivers/nfp/unbind', `${VF}\n`))).toBe('ENODEV');
    await h.sysfs.write('bus/pci/drivers/nfp_netvf/unbind', `${VF}\n`);
    await h.sysfs.write('bus/pci/drivers_probe', `${VF}\n`);
    expect(await h.sysfs.exists(`bus/pci/devices/${VF}/driver`)).toBe(false);
    await h.modules.load('vfio-pci');
    await h.sysfs.write('bus/pci/drivers_probe', `${VF}\n`);
    expect(await h.sysfs.readLink(`bus/pci/devices/${VF}/driver`)).toMatch(/vfio-pci$/);
    expect(await h.sysfs.read(`bus/pci/devices/${VF}/driver_override`)).toBe('vfio-pci\n');
  });

  it('vfio-pci refuses a VF without an IOMMU group; binding a bound VF is EBUSY', async () => {
    const state = createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' });
    state.iommu = false;
    const h = createSimHost(state);
    await h.sysfs.write(NUMVFS, '1\n');
    expect(await errno(h.sysfs.write('bus/pci/drivers/nfp_netvf/bind', `${VF}\n`))).toBe('EBUSY');
    await h.modules.load('vfio-pci');
    await h.sysfs.write('bus/pci/drivers/nfp_netvf/unbind', `${VF}\n`);
    expect(await errno(h.sysfs.write('bus/pci/drivers/vfio-pci/bind', `${VF}\n`))).toBe('EINVAL');
  });
});

describe('hotplug', () => {
  it('a removed PF takes its VFs; later writes are ENODEV; rescan brings it back fresh with numvfs 0', async () => {
    const h = host(2);
    await h.sysfs.write('bus/pci/devices/0000:02:00.0/remove', '1\n');
    expect(await h.sysfs.list('bus/pci/devices')).toEqual([]);
    expect(await errno(h.sysfs.write(NUMVFS, '2\n'))).toBe('ENODEV');
    await h.sysfs.write('bus/pci/rescan', '1\n');
    expect(await h.sysfs.read(NUMVFS)).toBe('0\n');
    const tail = h.kernel.state.events.slice(-3).map((e) => `${e.action} ${e.subsystem}`);
    expect(tail).toEqual(['add pci', 'add net', 'bind pci']);
  });

  // What the igb PF showed on a real kernel: the interface comes back as eth0,
  // and udev renames it a moment later.
  it('rescan brings the netdev back under the kernel name; udev renames it a moment later', async () => {
    const h = host(2);
    await h.sysfs.write('bus/pci/devices/0000:02:00.0/remove', '1\n');
    await h.sysfs.write('bus/pci/rescan', '1\n');
    expect(await h.sysfs.list('bus/pci/devices/0000:02:00.0/net')).toEqual(['eth0']);
    expect(await h.net.isUdevDone('eth0')).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await h.sysfs.list('bus/pci/devices/0000:02:00.0/net')).toEqual(['enp2s0np0']);
    expect(await h.net.isUdevDone('enp2s0np0')).toBe(true);
    const move = h.kernel.state.events.at(-1);
    expect(move).toMatchObject({ action: 'move', subsystem: 'net', properties: { INTERFACE: 'enp2s0np0' } });
  });

  it('a count written from 0 gives VFs no administrative MAC (the PF set before is lost)', async () => {
    const h = host();
    await h.sysfs.write(NUMVFS, '2\n');
    await h.net.setVfMac('enp2s0np0', 0, '02:00:00:00:00:10');
    await h.sysfs.write(NUMVFS, '0\n');
    await h.sysfs.write(NUMVFS, '2\n');
    expect([...(await h.net.readVfInfo('enp2s0np0')).values()].map((v) => v.mac)).toEqual(['00:00:00:00:00:00', '00:00:00:00:00:00']);
  });
});
