import { describe, expect, it } from 'vitest';
import { BOARDS, inputsFor, link, pf, remove, writeOrphanBoard } from './fixture-host.js';
import { runCheck, useGuideHost } from './check-helpers.js';

const host = useGuideHost();

describe('firmware', () => {
  it.each([
    ['nic-2.0.4', 'fail'],
    ['sriov-2.0.9', 'fail'],
    ['flower-1.0', 'fail'],
    ['sriov-2.1.0', 'pass'],
    ['sriov-2.1.14', 'pass'],
    ['sriov-3.0', 'pass'],
  ])('a PF running %s: %s', async (firmware, status) => {
    const r = await host.check('firmware', { pfs: [pf(firmware)] });
    expect(r.status).toBe(status);
    expect(r.evidence).toMatch(new RegExp(`^enp2s0np0 \\(0000:02:00\\.0\\) runs ${firmware.replace(/\./g, '\\.')}`));
    if (status === 'fail') {
      expect(r.fix).toBe(
        'vfkeeper firmware --fix (or: ln -sf /lib/firmware/netronome/nic-sriov/* /lib/firmware/netronome/), ' +
          'then when no VF is in use: modprobe -r nfp && modprobe nfp; see firmware-links',
      );
    }
  });

  it('skips when the version cannot be read, or the PFs cannot be observed', async () => {
    expect(await host.check('firmware', { pfs: [pf(null)] })).toMatchObject({
      status: 'skip',
      evidence: expect.stringMatching(/could not be read \(ethtool -i\)$/),
    });
    const broken = (): Promise<never> => Promise.reject(new Error('sysfs: permission denied'));
    expect(await host.check('firmware', { pfs: broken })).toMatchObject({
      status: 'skip',
      evidence: 'observing the PFs failed: sysfs: permission denied',
    });
    const { pfs: _p, ...none } = inputsFor(host.root);
    expect(await runCheck(none, 'firmware')).toMatchObject({
      status: 'skip',
      evidence: `PFs are only observed on the live host (root /, not ${host.root})`,
    });
  });
});

describe('firmware-links', () => {
  it('fails when the links point back at nic/ (a linux-firmware update), with the guard and the guide ln as the fix', async () => {
    for (const board of BOARDS) await link(host.root, `/lib/firmware/netronome/${board}`, `nic/${board}`);
    const r = await host.check('firmware-links');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(
      '3 of 3 links point into nic, not nic-sriov (e.g. nic_AMDA0058-0011_2x40.nffw -> nic/nic_AMDA0058-0011_2x40.nffw)',
    );
    expect(r.fix).toBe(
      'vfkeeper firmware --fix (or: ln -sf /lib/firmware/netronome/nic-sriov/* /lib/firmware/netronome/), then when no VF is in use: modprobe -r nfp && modprobe nfp',
    );
  });

  it('passes the support-site package links to /opt/netronome, saying they are left alone', async () => {
    await link(
      host.root,
      '/lib/firmware/netronome/nic_AMDA0058-0011_2x40.nffw',
      '/opt/netronome/agilio-sriov-firmware/nic_AMDA0058-0011_2x40.nffw',
    );
    const r = await host.check('firmware-links');
    expect(r).toMatchObject({ status: 'pass', evidence: '2 links point into nic-sriov/, 1 outside /lib/firmware/netronome (left alone)' });
  });

  it('warns about a board with no SR-IOV firmware', async () => {
    await writeOrphanBoard(host.root);
    const r = await host.check('firmware-links');
    expect(r.status).toBe('warn');
    expect(r.evidence).toBe(
      '3 links point into nic-sriov/; nic_AMDA0099-0001_2x25.nffw -> nic/nic_AMDA0099-0001_2x25.nffw: no nic-sriov/ counterpart',
    );
  });

  it('fails when nic-sriov is missing, pointing at the support-site packages', async () => {
    await remove(host.root, '/lib/firmware/netronome/nic-sriov');
    const r = await host.check('firmware-links');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe('/lib/firmware/netronome/nic-sriov/ is missing (3 links, none can point there)');
    expect(r.fix).toMatch(
      /yum update linux-firmware .*dpkg -i agilio-sriov-firmware-2\.1\.x\.deb .*yum -y install agilio-sriov-firmware-2\.1\.x\.rpm/,
    );
  });

  it('follows the configured flavour and directory', async () => {
    const config = inputsFor(host.root).config;
    config.firmware = { dir: '/usr/lib/firmware/netronome', flavour: 'nic', guard: 'warn' };
    await link(host.root, '/usr/lib/firmware', '../../lib/firmware');
    const r = await host.check('firmware-links', { config });
    expect(r).toMatchObject({
      status: 'fail',
      evidence: '3 of 3 links point into nic-sriov, not nic (e.g. nic_AMDA0058-0011_2x40.nffw -> nic-sriov/nic_AMDA0058-0011_2x40.nffw)',
    });
  });
});
