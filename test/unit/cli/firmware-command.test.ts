import { mkdirSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { firmwareCommand } from '../../../src/cli/commands/firmware.js';
import { BOARDS, useFixtureRoot, writeFirmwareTree, writeOrphanBoard } from '../doctor/fixture-host.js';
import { capture } from '../../helpers/command-context.js';

const DIR = '/lib/firmware/netronome';
// The links as linux-firmware leaves them (into nic/), plus a board with no nic-sriov/ firmware.
const host = useFixtureRoot(async (root) => {
  await writeFirmwareTree(root, 'nic');
  await writeOrphanBoard(root);
});

describe('vfkeeper firmware', () => {
  it('reports the wrong links without touching them, and exits 1', async () => {
    const c = capture(['--root', host.root]);
    expect(await firmwareCommand.run(c.ctx)).toBe(1);
    expect(c.out().split('\n')).toEqual([
      'wrong    nic_AMDA0058-0011_2x40.nffw -> nic/nic_AMDA0058-0011_2x40.nffw: points into nic, want nic-sriov/nic_AMDA0058-0011_2x40.nffw',
      'wrong    nic_AMDA0058-0012_2x40.nffw -> nic/nic_AMDA0058-0012_2x40.nffw: points into nic, want nic-sriov/nic_AMDA0058-0012_2x40.nffw',
      'wrong    nic_AMDA0081-0001_1x40.nffw -> nic/nic_AMDA0081-0001_1x40.nffw: points into nic, want nic-sriov/nic_AMDA0081-0001_1x40.nffw',
      'kept     nic_AMDA0099-0001_2x25.nffw -> nic/nic_AMDA0099-0001_2x25.nffw: points into nic, but there is no nic-sriov/nic_AMDA0099-0001_2x25.nffw; left alone',
      '/lib/firmware/netronome: 4 links, 0 into nic-sriov/, 3 wrong, 0 fixed, 1 left alone',
      'Run vfkeeper firmware --fix to re-point them.',
      '',
    ]);
    expect(await readlink(join(host.root, DIR, BOARDS[0] ?? ''))).toBe(`nic/${BOARDS[0] ?? ''}`);
  });

  it('--fix re-points each wrong link, one line per link, says the driver was not reloaded, and exits 0', async () => {
    const c = capture(['--fix', '--root', host.root]);
    expect(await firmwareCommand.run(c.ctx)).toBe(0);
    const out = c.out();
    for (const board of BOARDS) {
      expect(out).toContain(`fixed    ${board} -> nic-sriov/${board} (was nic/${board})\n`);
      expect(await readlink(join(host.root, DIR, board))).toBe(`nic-sriov/${board}`);
    }
    expect(out).toContain('kept     nic_AMDA0099-0001_2x25.nffw -> nic/nic_AMDA0099-0001_2x25.nffw');
    expect(await readlink(join(host.root, DIR, 'nic_AMDA0099-0001_2x25.nffw'))).toBe('nic/nic_AMDA0099-0001_2x25.nffw');
    expect(out).toContain(
      'The driver was not reloaded: the next driver reload or reboot loads the fixed firmware (when no VF is in use: modprobe -r nfp && modprobe nfp).',
    );
    const again = capture(['--fix', '--root', host.root]);
    expect(await firmwareCommand.run(again.ctx)).toBe(0);
    expect(again.out()).toContain('/lib/firmware/netronome: 4 links, 3 into nic-sriov/, 0 wrong, 0 fixed, 1 left alone');
    expect(again.out()).not.toContain('not reloaded');
  });

  it('--json gives one document with each link, its verdict and what was done', async () => {
    const c = capture(['--fix', '--root', host.root, '--json']);
    expect(await firmwareCommand.run(c.ctx)).toBe(0);
    const doc = JSON.parse(c.out()) as { links: Array<Record<string, unknown>>; driverReloaded: boolean; reload: string };
    expect(doc).toMatchObject({
      dir: DIR,
      flavour: 'nic-sriov',
      flavourPresent: true,
      driverReloaded: false,
      reload: 'modprobe -r nfp && modprobe nfp',
    });
    expect(doc.links).toContainEqual({
      name: 'nic_AMDA0058-0011_2x40.nffw',
      target: 'nic/nic_AMDA0058-0011_2x40.nffw',
      kind: 'repoint',
      flavour: 'nic',
      want: 'nic-sriov/nic_AMDA0058-0011_2x40.nffw',
      result: 'fixed',
    });
    expect(doc.links).toContainEqual(
      expect.objectContaining({ name: 'nic_AMDA0099-0001_2x25.nffw', kind: 'no-counterpart', result: 'kept' }),
    );
  });

  it('exits 1 with the reason and the hint when the directory is missing, 2 on bad usage', async () => {
    // A root that exists, without the firmware directory (a missing --root is bad usage, exit 2).
    mkdirSync(join(host.root, 'elsewhere'), { recursive: true });
    const c = capture(['--root', join(host.root, 'elsewhere')]);
    expect(await firmwareCommand.run(c.ctx)).toBe(1);
    expect(c.err()).toMatch(
      /^vfkeeper: cannot read the firmware directory: \/lib\/firmware\/netronome does not exist\nhint: install the firmware/,
    );
    const bad = capture(['--fix=yes']);
    expect(await firmwareCommand.run(bad.ctx)).toBe(2);
  });
});
