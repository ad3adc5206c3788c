import { lstat, readdir, readFile, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyFirmwareLink, readFirmwareTree } from '../../../src/host/firmware-links.js';
import { planFirmwareLinks, planFirmwareRepoints } from '../../../src/plan/plan-firmware.js';
import { BOARDS, link, put, useFixtureRoot, writeFirmwareTree, writeOrphanBoard } from '../doctor/fixture-host.js';

const DIR = '/lib/firmware/netronome';
/** The tree as linux-firmware leaves it (top-level links into nic/), a second flower link, one board without SR-IOV firmware, and a plain file. */
const host = useFixtureRoot(async (root) => {
  await writeFirmwareTree(root, 'nic');
  await link(root, `${DIR}/flower/nic_AMDA0081-0001_4x10.nffw`, 'nic_AMDA0081.nffw');
  await writeOrphanBoard(root);
  await put(root, `${DIR}/LICENCE.Netronome`, 'text\n');
});

describe('readFirmwareTree', () => {
  it('reads the top-level links (not files, not the flavour subdirectories) and the flavour files', async () => {
    const tree = await readFirmwareTree(DIR, 'nic-sriov', host.root);
    expect(tree.dir).toBe(DIR);
    expect(tree.links.map((l) => `${l.name} -> ${l.target}`).sort()).toEqual([
      ...BOARDS.map((b) => `${b} -> nic/${b}`),
      'nic_AMDA0099-0001_2x25.nffw -> nic/nic_AMDA0099-0001_2x25.nffw',
    ]);
    expect(tree.flavourFiles).toEqual([...BOARDS].sort());
    expect((await readFirmwareTree(DIR, 'nic-sriov-missing', host.root)).flavourFiles).toBeNull();
  });

  it('throws ERR_FIRMWARE_DIR naming the directory when it is absent', async () => {
    await expect(readFirmwareTree('/lib/firmware/nowhere', 'nic-sriov', host.root)).rejects.toMatchObject({
      code: 'ERR_FIRMWARE_DIR',
      message: 'cannot read the firmware directory: /lib/firmware/nowhere does not exist',
      context: { path: '/lib/firmware/nowhere', errno: 'ENOENT' },
    });
  });

  it('refuses a flavour that is not a plain name', async () => {
    await expect(readFirmwareTree(DIR, '../etc', host.root)).rejects.toMatchObject({ code: 'ERR_FIRMWARE_NAME' });
  });
});

describe('applyFirmwareLink', () => {
  it('re-points every wrong link, leaves the one without an SR-IOV counterpart, and leaves no temporary file', async () => {
    const plan = planFirmwareLinks(await readFirmwareTree(DIR, 'nic-sriov', host.root), 'nic-sriov');
    for (const v of planFirmwareRepoints(plan)) await applyFirmwareLink(DIR, v.link.name, v.want, host.root);
    for (const board of BOARDS) {
      expect(await readlink(join(host.root, DIR, board))).toBe(`nic-sriov/${board}`);
      expect(await readFile(join(host.root, DIR, board), 'utf8')).toBe('nic-sriov\n');
    }
    expect(await readlink(join(host.root, DIR, 'nic_AMDA0099-0001_2x25.nffw'))).toBe('nic/nic_AMDA0099-0001_2x25.nffw');
    expect((await readdir(join(host.root, DIR))).filter((n) => n.startsWith('.'))).toEqual([]);
    const again = planFirmwareLinks(await readFirmwareTree(DIR, 'nic-sriov', host.root), 'nic-sriov');
    expect(again.verdicts.map((v) => v.kind).sort()).toEqual(['no-counterpart', 'ok', 'ok', 'ok']);
  });

  it('never leaves the link missing while it is replaced (a reader running alongside always finds it)', async () => {
    const name = BOARDS[0] ?? '';
    const path = join(host.root, DIR, name);
    let done = false;
    let misses = 0;
    let reads = 0;
    const reader = (async () => {
      while (!done) {
        reads += 1;
        await lstat(path).catch(() => {
          misses += 1;
        });
      }
    })();
    for (let i = 0; i < 300; i++) await applyFirmwareLink(DIR, name, i % 2 === 0 ? `nic-sriov/${name}` : `nic/${name}`, host.root);
    done = true;
    await reader;
    expect(reads).toBeGreaterThan(0);
    expect(misses).toBe(0);
  });

  it('refuses to replace a regular file, and leaves it as it was', async () => {
    await writeFile(join(host.root, DIR, 'nic_plain.nffw'), 'vendor file\n');
    await expect(applyFirmwareLink(DIR, 'nic_plain.nffw', 'nic-sriov/nic_plain.nffw', host.root)).rejects.toMatchObject({
      code: 'ERR_FIRMWARE_LINK',
      message: `${DIR}/nic_plain.nffw is not a symbolic link; left alone`,
    });
    expect((await stat(join(host.root, DIR, 'nic_plain.nffw'))).isFile()).toBe(true);
    expect(await readFile(join(host.root, DIR, 'nic_plain.nffw'), 'utf8')).toBe('vendor file\n');
  });

  it('reports a link that does not exist with its path and errno, and creates nothing', async () => {
    await expect(applyFirmwareLink(DIR, 'nic_gone.nffw', 'nic-sriov/nic_gone.nffw', host.root)).rejects.toMatchObject({
      code: 'ERR_FIRMWARE_LINK',
      context: { path: `${DIR}/nic_gone.nffw`, errno: 'ENOENT' },
    });
    expect((await readdir(join(host.root, DIR))).filter((n) => n.includes('gone'))).toEqual([]);
  });

  it('refuses a name with a slash', async () => {
    await expect(applyFirmwareLink(DIR, '../x', 'nic-sriov/x', host.root)).rejects.toMatchObject({ code: 'ERR_FIRMWARE_NAME' });
  });
});
