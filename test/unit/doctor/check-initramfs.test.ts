// The initramfs check against a real initramfs (cpio, gzip) listed by the
// real lsinitramfs: the guide's note that re-pointed links change nothing
// for the next boot while nfp and its firmware sit in the initramfs.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeInitramfs, type InitramfsTree } from '../../helpers/initramfs.js';
import { BOARDS, KERNEL, inputsFor, put } from './fixture-host.js';
import { runCheck, useGuideHost } from './check-helpers.js';
import { parseInitramfsListing } from '../../../src/model/initramfs.js';

const host = useGuideHost();
const FW = 'usr/lib/firmware/netronome';
const NFP = `usr/lib/modules/${KERNEL}/kernel/drivers/net/ethernet/netronome/nfp/nfp.ko.zst`;

/** What mkinitramfs copies for nfp when the links pointed into `flavour`/: a relative link and the file it led to. */
function nfpImage(flavour: string, withModule = true): InitramfsTree {
  const tree: InitramfsTree = withModule ? { [NFP]: 'module\n' } : {};
  for (const board of BOARDS) {
    tree[`${FW}/${flavour}/${board}`] = `${flavour}\n`;
    tree[`${FW}/${board}`] = { link: `${flavour}/${board}` };
  }
  return tree;
}

const image = (): string => join(host.root, `boot/initrd.img-${KERNEL}`);

describe('initramfs', () => {
  it('warns when the initramfs still holds nfp with the nic firmware the links pointed at before the fix', async () => {
    writeInitramfs(image(), nfpImage('nic'));
    const r = await host.check('initramfs');
    expect(r.status).toBe('warn');
    expect(r.evidence).toBe(
      `/boot/initrd.img-${KERNEL} holds nfp (lib/modules/${KERNEL}/kernel/drivers/net/ethernet/netronome/nfp/nfp.ko.zst) ` +
        `and 3 of the NIC's firmware files unlike the links in /lib/firmware/netronome ` +
        `(e.g. ${BOARDS[0]}: -> nic/${BOARDS[0]} there, -> nic-sriov/${BOARDS[0]} (10 bytes) on disk): ` +
        'the next boot loads that firmware, whatever the links say',
    );
    expect(r.fix).toBe(
      `vfkeeper firmware --fix --initramfs (or: update-initramfs -u -k ${KERNEL}), then the next reboot loads the firmware the links name`,
    );
  });

  it('passes when the initramfs was built after the links were fixed', async () => {
    writeInitramfs(image(), nfpImage('nic-sriov'));
    const r = await host.check('initramfs');
    expect(r).toMatchObject({ status: 'pass', fix: '' });
    expect(r.evidence).toMatch(
      /^\/boot\/initrd\.img-6\.8\.0-31-generic: 3 firmware files as the links in \/lib\/firmware\/netronome say, nfp \(/,
    );
  });

  it('compares a plain copy (no link) by size', async () => {
    const tree: InitramfsTree = { [NFP]: 'module\n' };
    for (const board of BOARDS) tree[`${FW}/${board}`] = 'nic\n'; // 4 bytes; nic-sriov/ files have 10
    writeInitramfs(image(), tree);
    const r = await host.check('initramfs');
    expect(r.status).toBe('warn');
    expect(r.evidence).toContain(`${BOARDS[0]}: a copy of 4 bytes there, -> nic-sriov/${BOARDS[0]} (10 bytes) on disk`);
  });

  it('warns about a stale copy without nfp beside it too, saying when it would be loaded', async () => {
    writeInitramfs(image(), nfpImage('nic', false));
    const r = await host.check('initramfs');
    expect(r.status).toBe('warn');
    expect(r.evidence).toMatch(
      /^\/boot\/initrd\.img-6\.8\.0-31-generic holds no nfp module and 3 of the NIC's firmware files .*: a built-in nfp, or one added to the initramfs later, loads that firmware, whatever the links say$/,
    );
  });

  it('warns when nfp is in the initramfs without any of its firmware', async () => {
    writeInitramfs(image(), { [NFP]: 'module\n', 'usr/lib/firmware/other.bin': 'x' });
    const r = await host.check('initramfs');
    expect(r.status).toBe('warn');
    expect(r.evidence).toMatch(/holds nfp \(.*\) but none of the firmware files in \/lib\/firmware\/netronome/);
  });

  it('passes when neither nfp nor its firmware is in the initramfs', async () => {
    writeInitramfs(image(), { 'usr/lib/modules/x/kernel/e1000e.ko': 'm', init: '#!/bin/sh\n' });
    expect(await host.check('initramfs')).toEqual({
      id: 'initramfs',
      status: 'pass',
      evidence: `/boot/initrd.img-${KERNEL} holds neither nfp nor its firmware: the next boot loads it from /lib/firmware/netronome`,
      fix: '',
    });
  });

  it('passes without an initramfs, and says so', async () => {
    expect(await host.check('initramfs')).toMatchObject({
      status: 'pass',
      evidence: `no /boot/initrd.img-${KERNEL} or /boot/initramfs-${KERNEL}.img: no initramfs holds a copy of the firmware, so the next boot loads it from /lib/firmware/netronome`,
    });
  });

  it("reads dracut's /boot/initramfs-RELEASE.img too (RHEL), and gives dracut's own command as the fix", async () => {
    writeInitramfs(join(host.root, `boot/initramfs-${KERNEL}.img`), nfpImage('nic'));
    const r = await host.check('initramfs');
    expect(r.status).toBe('warn');
    expect(r.evidence).toMatch(new RegExp(`^/boot/initramfs-${KERNEL.replace(/\./g, '\\.')}\\.img holds nfp `));
    expect(r.fix).toBe(
      `vfkeeper firmware --fix, then dracut -f /boot/initramfs-${KERNEL}.img ${KERNEL}; then the next reboot loads the firmware the links name`,
    );
  });

  it('under another root with no kernel named, reads every initramfs in /boot (not kdump or rescue images)', async () => {
    writeInitramfs(join(host.root, 'boot/initramfs-6.1.0-18-amd64kdump.img'), nfpImage('nic'));
    writeInitramfs(join(host.root, 'boot/initramfs-0-rescue-0123abcd.img'), nfpImage('nic'));
    writeInitramfs(join(host.root, 'boot/initrd.img-6.1.0-18-amd64'), nfpImage('nic'));
    writeInitramfs(join(host.root, 'boot/initrd.img-6.1.0-20-amd64'), nfpImage('nic-sriov'));
    const { kernelRelease: _k, ...inputs } = inputsFor(host.root);
    const r = await runCheck(inputs, 'initramfs');
    expect(r.status).toBe('warn');
    expect(r.evidence).toMatch(
      /^\/boot\/initrd\.img-6\.1\.0-18-amd64 holds nfp .*; \/boot\/initrd\.img-6\.1\.0-20-amd64: 3 firmware files/,
    );
    expect(r.fix).toContain('(or: update-initramfs -u -k 6.1.0-18-amd64)');
  });

  it('skips with the reason and the package when the initramfs cannot be listed', async () => {
    await put(host.root, `/boot/initrd.img-${KERNEL}`, 'not an archive\n');
    const r = await host.check('initramfs');
    expect(r.status).toBe('skip');
    expect(r.evidence).toMatch(/^\/boot\/initrd\.img-6\.8\.0-31-generic cannot be listed: `lsinitramfs -l .*` failed/);
    expect(r.fix).toBe('apt-get install initramfs-tools-core (lsinitramfs), then vfkeeper doctor');
  });
});

describe('parseInitramfsListing', () => {
  it('reads cpio -tv lines: kinds, sizes, link targets, names with spaces, usr-merged paths', () => {
    const text = [
      'drwxr-xr-x   3 root     root            0 Dec  3 06:04 .',
      '-rw-r--r--   1 root     root           15 Jan  1  1970 usr/lib/firmware/netronome/a b.nffw',
      'lrwxrwxrwx   1 0        0              10 Dec  3 06:04 lib/firmware/netronome/x.nffw -> nic/x.nffw',
      'Early CPIO image',
    ].join('\n');
    expect(parseInitramfsListing(text)).toEqual([
      { path: '', kind: 'dir', size: 0, target: null },
      { path: 'lib/firmware/netronome/a b.nffw', kind: 'file', size: 15, target: null },
      { path: 'lib/firmware/netronome/x.nffw', kind: 'link', size: 10, target: 'nic/x.nffw' },
    ]);
  });
});
