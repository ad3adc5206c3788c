import { chown } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QEMU, dir, isRoot, put, remove } from './fixture-host.js';
import { useGuideHost } from './check-helpers.js';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';

const host = useGuideHost();

describe('hugepages-2m', () => {
  it('fails below 1375 pages, with the guide kernel parameters as the fix', async () => {
    await put(host.root, '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages', '1024\n');
    const r = await host.check('hugepages-2m');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(
      '1024 pages of 2M reserved (/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages), virtio-forwarder needs at least 1375',
    );
    expect(r.fix).toMatch(/^add hugepagesz=2M hugepages=1375 to GRUB_CMDLINE_LINUX_DEFAULT/);
    expect(r.fix).toContain('echo 2048 > /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages');
  });

  it('skips when the count is garbage', async () => {
    await put(host.root, '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages', 'lots\n');
    const r = await host.check('hugepages-2m');
    expect(r).toMatchObject({
      status: 'skip',
      evidence: '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages holds "lots", not a count',
    });
  });
});

describe('hugepages-1g', () => {
  it('warns (does not fail) when no 1G page is reserved', async () => {
    await put(host.root, '/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages', '0\n');
    const r = await host.check('hugepages-1g');
    expect(r.status).toBe('warn');
    expect(r.fix).toMatch(/default_hugepagesz=1G hugepagesz=1G hugepages=8/);
  });

  it('skips on a kernel without 1G pages', async () => {
    await remove(host.root, '/sys/kernel/mm/hugepages/hugepages-1048576kB');
    const r = await host.check('hugepages-1g');
    expect(r).toMatchObject({ status: 'skip', evidence: expect.stringMatching(/does not exist: this CPU or kernel has no 1G pages$/) });
  });
});

describe('hugetlbfs', () => {
  it('fails when 1G pages are reserved but no hugetlbfs of 1G is mounted, with the guide mount line', async () => {
    await put(host.root, '/proc/mounts', 'hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n');
    const r = await host.check('hugetlbfs');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe('hugetlbfs mounts: /dev/hugepages (2M); in use: 2M, 1G; no mount for 1G');
    expect(r.fix).toBe(
      'mkdir -p /dev/hugepages-1G && mount nodev -t hugetlbfs -o rw,pagesize=1G /dev/hugepages-1G/ (and an fstab line to keep it)',
    );
  });

  it('takes a mount without pagesize= as the default size from /proc/meminfo', async () => {
    await put(
      host.root,
      '/proc/mounts',
      'hugetlbfs /dev/hugepages hugetlbfs rw,pagesize=2M 0 0\nnone /mnt/huge\\040pages hugetlbfs rw 0 0\n',
    );
    const r = await host.check('hugetlbfs');
    expect(r).toMatchObject({ status: 'pass', evidence: 'hugetlbfs mounts: /dev/hugepages (2M), /mnt/huge pages (1G); in use: 2M, 1G' });
  });

  it('fails when nothing is mounted for 2M', async () => {
    await put(host.root, '/proc/mounts', 'proc /proc proc rw 0 0\n');
    await put(host.root, '/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages', '0\n');
    const r = await host.check('hugetlbfs');
    expect(r.status).toBe('fail');
    expect(r.fix).toBe(
      'mkdir -p /dev/hugepages && mount nodev -t hugetlbfs -o rw,pagesize=2M /dev/hugepages/ (and an fstab line to keep it)',
    );
  });
});

describe('libvirt-hugepage-dirs', () => {
  it('fails when a mount has no libvirt directory, with mkdir and chown as the fix', async () => {
    await remove(host.root, '/dev/hugepages-1G/libvirt');
    const r = await host.check('libvirt-hugepage-dirs');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(`/dev/hugepages-1G/libvirt does not exist; want libvirt-qemu:kvm (${QEMU.uid}:${QEMU.gid})`);
    expect(r.fix).toBe(
      'mkdir -p /dev/hugepages-1G/libvirt && chown -R libvirt-qemu:kvm /dev/hugepages-1G/libvirt; then systemctl restart libvirtd',
    );
  });

  it.skipIf(skipWhenMissing(isRoot))('fails when the directory belongs to root', async () => {
    assertPresent(isRoot, 'root');
    await chown(join(host.root, '/dev/hugepages/libvirt'), 0, 0);
    const r = await host.check('libvirt-hugepage-dirs');
    expect(r).toMatchObject({
      status: 'fail',
      evidence: `/dev/hugepages/libvirt is owned by 0:0; want libvirt-qemu:kvm (${QEMU.uid}:${QEMU.gid})`,
    });
    expect(r.fix).toBe(
      'mkdir -p /dev/hugepages/libvirt && chown -R libvirt-qemu:kvm /dev/hugepages/libvirt; then systemctl restart libvirtd',
    );
  });

  it('uses the qemu user on RHEL, where there is no libvirt-qemu', async () => {
    await put(host.root, '/etc/passwd', `root:x:0:0::/root:/bin/bash\nqemu:x:${QEMU.uid}:107:qemu user:/:/sbin/nologin\n`);
    const r = await host.check('libvirt-hugepage-dirs');
    expect(r).toMatchObject({ status: 'pass', evidence: '/dev/hugepages/libvirt, /dev/hugepages-1G/libvirt owned by qemu:kvm' });
  });

  it('skips when there is no QEMU user (libvirt not installed)', async () => {
    await put(host.root, '/etc/passwd', 'root:x:0:0::/root:/bin/bash\n');
    const r = await host.check('libvirt-hugepage-dirs');
    expect(r.status).toBe('skip');
    expect(r.evidence).toBe(
      'no QEMU user and kvm group: user libvirt-qemu does not exist (/etc/passwd); user qemu does not exist (/etc/passwd) (is libvirt installed?)',
    );
  });

  it('fails when the path is a file, not a directory', async () => {
    await remove(host.root, '/dev/hugepages/libvirt');
    await put(host.root, '/dev/hugepages/libvirt', '');
    await dir(host.root, '/dev/hugepages-1G/libvirt', QEMU);
    const r = await host.check('libvirt-hugepage-dirs');
    expect(r).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/^\/dev\/hugepages\/libvirt is not a directory;/) });
  });
});
