import { describe, expect, it } from 'vitest';
import { doctorExitStatus, runDoctor } from '../../../src/doctor/run-doctor.js';
import { CHECK_IDS, type CheckResult } from '../../../src/doctor/types.js';
import { inputsFor, pf, remove, useFixtureRoot, writeFreshHost, writeGuideHost } from './fixture-host.js';

const host = useFixtureRoot();

function byId(checks: CheckResult[]): Map<string, CheckResult> {
  return new Map(checks.map((c) => [c.id, c]));
}

describe('doctor on a freshly installed host', () => {
  it('fails each missing prerequisite with its evidence and the guide fix, and exits 1', async () => {
    await writeFreshHost(host.root);
    const report = await runDoctor(
      inputsFor(host.root, {
        pfs: [pf('nic-2.0.4')],
        readUnitActiveState: () => Promise.resolve('inactive'),
        probeForwarder: () => Promise.reject(new Error('no answer from ipc:///var/run/virtio-forwarder/port_control within 2000 ms')),
      }),
    );
    expect(report.checks.map((c) => c.id)).toEqual([...CHECK_IDS]);
    const c = byId(report.checks);
    const failing = report.checks.filter((x) => x.status === 'fail').map((x) => x.id);
    expect(failing).toEqual([
      'sriov-bios',
      'firmware',
      'firmware-links',
      'iommu',
      'hugepages-2m',
      'libvirt-hugepage-dirs',
      'apparmor',
      'forwarder-service',
      'forwarder-mode',
      'forwarder-ipc',
      'socket-dir',
    ]);
    for (const id of failing) {
      expect(c.get(id)?.evidence, id).not.toBe('');
      expect(c.get(id)?.fix, id).not.toBe('');
    }
    expect(c.get('iommu')?.evidence).toBe('/proc/cmdline has no intel_iommu=on iommu=pt; /sys/kernel/iommu_groups has 0 groups');
    expect(c.get('iommu')?.fix).toBe('add intel_iommu=on iommu=pt to GRUB_CMDLINE_LINUX_DEFAULT in /etc/default/grub, update-grub, reboot');
    expect(c.get('hugepages-2m')?.evidence).toMatch(/^0 pages of 2M reserved/);
    expect(c.get('hugepages-1g')).toMatchObject({ status: 'warn', evidence: expect.stringMatching(/^0 pages of 1G/) });
    expect(c.get('firmware')?.evidence).toBe('enp2s0np0 (0000:02:00.0) runs nic-2.0.4; SR-IOV needs sriov-2.1 or later');
    expect(c.get('firmware-links')?.evidence).toMatch(/^3 of 3 links point into nic, not nic-sriov/);
    expect(c.get('forwarder-mode')?.evidence).toMatch(/VIRTIOFWD_VHOST_CLIENT=y/);
    expect(c.get('forwarder-service')?.fix).toBe('systemctl enable virtio-forwarder && systemctl start virtio-forwarder');
    expect(c.get('vfio')?.status).toBe('pass');
    expect(c.get('hugetlbfs')?.status).toBe('pass');
    expect(c.get('forwarder-installed')?.status).toBe('pass');
    expect(doctorExitStatus(report)).toBe(1);
  });
});

describe('doctor on a host set up as the guide says', () => {
  it('passes every check and exits 0', async () => {
    await writeGuideHost(host.root);
    const report = await runDoctor(inputsFor(host.root));
    const notPassing = report.checks.filter((c) => c.status !== 'pass');
    expect(notPassing).toEqual([]);
    expect(report.checks.every((c) => c.fix === '')).toBe(true);
    expect(doctorExitStatus(report)).toBe(0);
  });

  it('says what it could not check, and still exits 0, when the live-host probes are absent', async () => {
    await writeGuideHost(host.root);
    const { probeForwarder: _p, readUnitActiveState: _r, ...rest } = inputsFor(host.root);
    const report = await runDoctor({ ...rest, pfs: [] });
    const c = byId(report.checks);
    expect(c.get('forwarder-ipc')).toMatchObject({ status: 'skip', evidence: expect.stringMatching(/not probed/) });
    expect(c.get('forwarder-service')).toMatchObject({ status: 'skip', evidence: expect.stringMatching(/only checked on the live host/) });
    expect(c.get('firmware')).toMatchObject({ status: 'skip', evidence: 'no managed PF was found' });
    expect(doctorExitStatus(report)).toBe(0);
  });
});

describe('doctor on a root where nothing can be read', () => {
  it('never throws: an empty root gives skips, and fails only for what is missing outright', async () => {
    const report = await runDoctor({ root: host.root, config: inputsFor(host.root).config });
    expect(report.checks).toHaveLength(CHECK_IDS.length);
    const c = byId(report.checks);
    for (const id of [
      'sriov-bios',
      'firmware',
      'iommu',
      'vfio',
      'hugepages-2m',
      'hugepages-1g',
      'hugetlbfs',
      'libvirt-hugepage-dirs',
      'apparmor',
      'forwarder-service',
      'forwarder-mode',
      'forwarder-ipc',
    ]) {
      expect(c.get(id)?.status, `${id}: ${c.get(id)?.evidence ?? ''}`).toBe('skip');
      expect(c.get(id)?.evidence, id).not.toBe('');
    }
    expect(c.get('firmware-links')).toMatchObject({ status: 'fail', evidence: '/lib/firmware/netronome does not exist' });
    expect(c.get('forwarder-installed')?.status).toBe('fail');
    expect(c.get('socket-dir')?.evidence).toMatch(/libvirt-qemu:kvm cannot be resolved: .*\/etc\/passwd does not exist/);
  });

  it('reports an input that is not a readable file (here: a directory) as skip with the reason', async () => {
    await writeGuideHost(host.root);
    for (const p of ['/proc/cmdline', '/sys/kernel/iommu_groups', '/proc/mounts', '/etc/default/virtioforwarder', '/etc/os-release']) {
      await remove(host.root, p);
    }
    const { mkdir, writeFile } = await import('node:fs/promises');
    for (const p of ['/proc/cmdline', '/proc/mounts', '/etc/default/virtioforwarder', '/etc/os-release']) await mkdir(`${host.root}${p}`);
    await writeFile(`${host.root}/sys/kernel/iommu_groups`, 'not a directory');
    const c = byId((await runDoctor(inputsFor(host.root))).checks);
    expect(c.get('iommu')).toMatchObject({
      status: 'skip',
      evidence: '/proc/cmdline: is a directory (EISDIR); /sys/kernel/iommu_groups: not a directory (ENOTDIR)',
    });
    expect(c.get('hugetlbfs')).toMatchObject({ status: 'skip', evidence: '/proc/mounts: is a directory (EISDIR)' });
    expect(c.get('forwarder-mode')).toMatchObject({ status: 'skip', evidence: '/etc/default/virtioforwarder: is a directory (EISDIR)' });
    expect(c.get('apparmor')).toMatchObject({
      status: 'skip',
      evidence: expect.stringMatching(/^cannot tell the distribution: \/etc\/os-release: is a directory/),
    });
  });
});
