import { describe, expect, it } from 'vitest';
import { KERNEL, dir, inputsFor, pf, put, remove } from './fixture-host.js';
import { runCheck, useGuideHost } from './check-helpers.js';

const host = useGuideHost();

describe('sriov-bios', () => {
  it('fails on the kernel message PCI SR-IOV:-12, quoting the line', async () => {
    await put(host.root, '/var/log/kern.log', 'a\nJun  1 10:00:01 host kernel: nfp 0000:02:00.0: PCI SR-IOV:-12\nb\n');
    const r = await host.check('sriov-bios');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(
      '/var/log/kern.log has "Jun  1 10:00:01 host kernel: nfp 0000:02:00.0: PCI SR-IOV:-12": SR-IOV is off in the BIOS',
    );
    expect(r.fix).toMatch(/^enable SR-IOV \(and VT-d \/ AMD-Vi\) in the BIOS\/UEFI setup, then reboot/);
  });

  it('reads the current boot (dmesg) rather than older boots in the log files', async () => {
    await put(host.root, '/var/log/kern.log', 'kernel: nfp 0000:02:00.0: PCI SR-IOV:-12\n');
    const r = await host.check('sriov-bios', { readKernelLog: () => Promise.resolve('[    1.0] nfp 0000:02:00.0: probe\n') });
    expect(r).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^no "PCI SR-IOV:-12" in dmesg/) });
  });

  it('passes when VFs exist, whatever old logs say', async () => {
    await put(host.root, '/var/log/kern.log', 'kernel: nfp 0000:02:00.0: PCI SR-IOV:-12\n');
    const r = await host.check('sriov-bios', { pfs: [pf('sriov-2.1.14', 8)] });
    expect(r).toMatchObject({ status: 'pass', evidence: 'VFs exist on enp2s0np0 (0000:02:00.0): 8, so SR-IOV is on' });
  });

  it('skips, with each reason, when no log can be read', async () => {
    await remove(host.root, '/var/log/kern.log');
    const r = await host.check('sriov-bios', {
      readKernelLog: () => Promise.reject(new Error('dmesg: read kernel buffer failed: Operation not permitted')),
    });
    expect(r.status).toBe('skip');
    expect(r.evidence).toBe(
      'no kernel log could be read: dmesg: dmesg: read kernel buffer failed: Operation not permitted; /var/log/kern.log does not exist; /var/log/messages does not exist',
    );
  });
});

describe('iommu', () => {
  it('fails without the parameters and without groups', async () => {
    await put(host.root, '/proc/cmdline', 'BOOT_IMAGE=/boot/vmlinuz ro quiet\n');
    await remove(host.root, '/sys/kernel/iommu_groups');
    await dir(host.root, '/sys/kernel/iommu_groups');
    const r = await host.check('iommu');
    expect(r).toEqual({
      id: 'iommu',
      status: 'fail',
      evidence: '/proc/cmdline has no intel_iommu=on iommu=pt; /sys/kernel/iommu_groups has 0 groups',
      fix: 'add intel_iommu=on iommu=pt to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, update-grub, reboot',
    });
  });

  it('names amd_iommu on an AMD CPU, and accepts it', async () => {
    await put(host.root, '/proc/cpuinfo', 'vendor_id\t: AuthenticAMD\n');
    await put(host.root, '/proc/cmdline', 'ro iommu=pt\n');
    await remove(host.root, '/sys/kernel/iommu_groups');
    const missing = await host.check('iommu');
    expect(missing.status).toBe('fail');
    expect(missing.evidence).toBe('/proc/cmdline has no amd_iommu=on; /sys/kernel/iommu_groups does not exist');
    expect(missing.fix).toBe('add amd_iommu=on iommu=pt to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, update-grub, reboot');
    await put(host.root, '/proc/cmdline', 'ro amd_iommu=on iommu=pt\n');
    expect((await host.check('iommu')).status).toBe('pass');
  });

  it('warns when groups exist but iommu=pt is missing', async () => {
    await put(host.root, '/proc/cmdline', 'ro intel_iommu=on\n');
    const r = await host.check('iommu');
    expect(r).toMatchObject({ status: 'warn', evidence: '/proc/cmdline has no iommu=pt; /sys/kernel/iommu_groups has 3 groups' });
  });
});

describe('vfio', () => {
  it('fails when vfio-pci is neither loaded nor a module nor built in', async () => {
    await remove(host.root, '/sys/module/vfio_pci');
    await put(host.root, `/lib/modules/${KERNEL}/modules.dep`, 'kernel/drivers/net/ethernet/netronome/nfp/nfp.ko.zst:\n');
    const r = await host.check('vfio');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(`vfio-pci is not loaded, and neither modules.dep nor modules.builtin of ${KERNEL} lists it`);
    expect(r.fix).toMatch(/modprobe vfio-pci$/);
  });

  it('passes when it is built in', async () => {
    await remove(host.root, '/sys/module/vfio_pci');
    await put(host.root, `/lib/modules/${KERNEL}/modules.dep`, '');
    await put(host.root, `/lib/modules/${KERNEL}/modules.builtin`, 'kernel/drivers/vfio/vfio.ko\nkernel/drivers/vfio/pci/vfio-pci.ko\n');
    const r = await host.check('vfio');
    expect(r).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^vfio-pci is built in/) });
  });

  it('reads every kernel under /lib/modules when no release is given', async () => {
    await remove(host.root, '/sys/module/vfio_pci');
    const { kernelRelease: _k, ...rest } = inputsFor(host.root);
    const r = await runCheck(rest, 'vfio');
    expect(r).toMatchObject({ status: 'pass', evidence: expect.stringContaining(`/lib/modules/${KERNEL}/modules.dep`) });
  });

  it('skips with the reasons when no module list can be read', async () => {
    await remove(host.root, '/sys/module/vfio_pci');
    await remove(host.root, '/lib/modules');
    const r = await host.check('vfio');
    expect(r.status).toBe('skip');
    expect(r.evidence).toMatch(/no module list could be read: \/lib\/modules\/.*\/modules.dep does not exist/);
  });
});
