// One contract, two implementations: the simulated kernel and the real
// adapter over a temporary sysfs-shaped tree must read the same host the
// same way, so what the simulated host proves holds for the real one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/model/config.js';
import { observe } from '../../../src/reconcile/observe.js';
import { createRealSysfs } from '../../../src/host/real/sysfs.js';
import { assertMayWrite } from '../../../src/host/real/sysfs-guard.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { Host, Sysfs } from '../../../src/host/types.js';
import { writeSysfsTree } from '../../helpers/sysfs-tree.js';

const state = createSimState({ pfs: 2, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' });
const sim = createSimHost(state);
await sim.sysfs.write('bus/pci/devices/0000:02:00.0/sriov_numvfs', '3\n');
const root = mkdtempSync(join(tmpdir(), 'vfkeeper-sysfs-'));
writeSysfsTree(state, root);
const real = createRealSysfs({ root, explicit: true, env: {} });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const implementations: Array<[string, Sysfs]> = [
  ['simulated kernel', sim.sysfs],
  ['real adapter over a temp tree', real],
];
const errnoOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { context?: { errno?: string } }) => e.context?.errno ?? 'no errno',
  );

describe.each(implementations)('Sysfs contract: %s', (_name, sysfs) => {
  it('lists PCI devices, PFs and VFs alike', async () => {
    expect(await sysfs.list('bus/pci/devices')).toEqual(['0000:02:00.0', '0000:02:08.0', '0000:02:08.1', '0000:02:08.2', '0000:03:00.0']);
  });

  it('reads attributes with the trailing newline of sysfs', async () => {
    expect(await sysfs.read('bus/pci/devices/0000:02:00.0/vendor')).toBe('0x19ee\n');
    expect(await sysfs.read('bus/pci/devices/0000:02:00.0/sriov_numvfs')).toBe('3\n');
    expect(await sysfs.read('bus/pci/devices/0000:02:08.1/device')).toBe('0x6003\n');
    expect(await sysfs.read('bus/pci/devices/0000:02:08.1/driver_override')).toBe('(null)\n');
  });

  it('resolves virtfn, physfn, driver and iommu_group links as the kernel lays them out', async () => {
    expect(await sysfs.readLink('bus/pci/devices/0000:02:00.0/virtfn2')).toBe('../0000:02:08.2');
    expect(await sysfs.readLink('bus/pci/devices/0000:02:08.2/physfn')).toBe('../0000:02:00.0');
    expect(await sysfs.readLink('bus/pci/devices/0000:02:08.0/driver')).toMatch(/\/drivers\/nfp_netvf$/);
    expect(await sysfs.readLink('bus/pci/devices/0000:02:08.0/iommu_group')).toMatch(/\/iommu_groups\/\d+$/);
  });

  it('says what exists, and answers ENOENT for what does not', async () => {
    expect(await sysfs.exists('bus/pci/devices/0000:02:00.0/sriov_totalvfs')).toBe(true);
    expect(await sysfs.exists('bus/pci/devices/0000:02:08.0/sriov_totalvfs')).toBe(false);
    expect(await sysfs.exists('bus/pci/drivers/nfp_netvf')).toBe(true);
    expect(await sysfs.exists('bus/pci/drivers/vfio-pci')).toBe(false);
    expect(await errnoOf(sysfs.read('bus/pci/devices/0000:09:00.0/vendor'))).toBe('ENOENT');
    expect(await errnoOf(sysfs.readLink('bus/pci/devices/0000:02:00.0/virtfn7'))).toBe('ENOENT');
    expect(await errnoOf(sysfs.write('bus/pci/devices/0000:09:00.0/sriov_numvfs', '1\n'))).toBe('ENOENT');
  });
});

describe('observe over both implementations', () => {
  it('gives the same Observed from the simulated kernel and from the tree', async () => {
    const overTree: Host = { ...sim, sysfs: real };
    const config = defaultConfig();
    config.forwarder.enabled = false;
    const a = await observe(sim, config, null);
    const b = await observe(overTree, config, null);
    expect(b).toEqual(a);
    expect(a.observed.pfs.map((p) => [p.pci, p.numVfs, p.vfs.length])).toEqual([
      ['0000:02:00.0', 3, 3],
      ['0000:03:00.0', 0, 0],
    ]);
  });
});

describe('the real adapter', () => {
  it('says absent only for what is absent: any other error of the lookup is thrown, with its errno', async () => {
    const { symlinkSync, writeFileSync } = await import('node:fs');
    symlinkSync('loop-b', join(root, 'bus/pci/devices/loop-a'));
    symlinkSync('loop-a', join(root, 'bus/pci/devices/loop-b'));
    writeFileSync(join(root, 'bus/pci/plain-file'), '');
    expect(await real.exists('bus/pci/devices/0000:09:00.0/sriov_totalvfs')).toBe(false);
    expect(await real.exists('bus/pci/plain-file/sriov_totalvfs')).toBe(false);
    await expect(real.exists('bus/pci/devices/loop-a/sriov_totalvfs')).rejects.toMatchObject({
      code: 'ERR_SYSFS_ELOOP',
      context: { errno: 'ELOOP', path: 'bus/pci/devices/loop-a/sriov_totalvfs' },
    });
  });

  it('writes one value into the attribute file, and never climbs out of its root', async () => {
    await real.write('bus/pci/devices/0000:03:00.0/sriov_numvfs', '2\n');
    expect(readFileSync(join(root, 'bus/pci/devices/0000:03:00.0/sriov_numvfs'), 'utf8')).toBe('2\n');
    await expect(real.read('../../etc/passwd')).rejects.toThrow(/escapes the root/);
  });

  it('refuses the real /sys under a test runner, even when named explicitly', async () => {
    const sys = createRealSysfs({ root: '/sys', explicit: true, env: { VITEST: 'true' } });
    await expect(sys.write('bus/pci/drivers_probe', '0000:02:08.0\n')).rejects.toMatchObject({ code: 'ERR_REAL_SYSFS_FORBIDDEN' });
    const dev = createRealSysfs({ root: '/sys', explicit: false, env: {} });
    await expect(dev.write('bus/pci/drivers_probe', '0000:02:08.0\n')).rejects.toMatchObject({ code: 'ERR_REAL_SYSFS_FORBIDDEN' });
  });

  it('outside tests, writes the real /sys only when meant: named explicitly or the installed tool', () => {
    const sys = { root: '/sys/', explicit: false };
    expect(() => assertMayWrite(sys, {}, {})).toThrow(/not the installed one/);
    expect(() => assertMayWrite({ ...sys, explicit: true }, {}, {})).not.toThrow();
    expect(() => assertMayWrite(sys, { VFKEEPER_ALLOW_REAL_SYSFS: '1' }, {})).not.toThrow();
    expect(() => assertMayWrite({ root: '/tmp/x', explicit: false }, {}, {})).not.toThrow();
  });
});
