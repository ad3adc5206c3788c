// The real NetTools' "is udev done with this interface" on a udev run
// directory of the test's own: the interface is the host's loopback (its
// ifindex read from the real /sys, nothing written there), the database
// entries are files this test writes. udev writes an entry with
// ID_RENAMING=1 before it renames a new interface (eth0 -> enp1s0); seen
// as done, the run set the kernel's name up and the rename then failed
// (found by the igb floor bench on the guest's real kernel: "Cannot find
// device eth0" once the rename had gone through).
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRealNetTools, isRenaming } from '../../../src/host/real/net-tools.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let tmp: TempDir;
let ifindex: string;

beforeEach(async () => {
  tmp = tempDir('vfk-udev-');
  ifindex = (await readFile('/sys/class/net/lo/ifindex', 'utf8')).trim();
  await mkdir(tmp.path('data'));
  await writeFile(tmp.path('control'), '');
});
afterEach(() => tmp.remove());

const entry = (props: string[]) => ['I:1733000000', ...props.map((p) => `E:${p}`), 'G:systemd', ''].join('\n');

describe('isUdevDone on a real udev run directory', () => {
  it('is not done while udev has no entry for the interface', async () => {
    expect(await createRealNetTools({ udevDir: tmp.dir }).isUdevDone('lo')).toBe(false);
  });

  it('is done once the entry exists without the renaming mark', async () => {
    await writeFile(
      tmp.path(`data/n${ifindex}`),
      entry(['ID_NET_NAME_PATH=enp1s0', 'ID_NET_LINK_FILE=/usr/lib/systemd/network/99-default.link']),
    );
    expect(await createRealNetTools({ udevDir: tmp.dir }).isUdevDone('lo')).toBe(true);
  });

  it('is not done while the entry says udev is renaming the interface', async () => {
    await writeFile(tmp.path(`data/n${ifindex}`), entry(['ID_NET_NAME_PATH=enp1s0', 'ID_RENAMING=1']));
    expect(await createRealNetTools({ udevDir: tmp.dir }).isUdevDone('lo')).toBe(false);
  });

  it('is done where no udev runs (no control socket)', async () => {
    await writeFile(tmp.path(`data/n${ifindex}`), entry(['ID_RENAMING=1']));
    await rm(tmp.path('control'));
    expect(await createRealNetTools({ udevDir: tmp.dir }).isUdevDone('lo')).toBe(true);
  });
});

describe('isRenaming', () => {
  it('reads the mark as a whole property line only', () => {
    expect(isRenaming(entry(['ID_RENAMING=1']))).toBe(true);
    expect(isRenaming(entry(['ID_RENAMING=0']))).toBe(false);
    expect(isRenaming(entry(['XID_RENAMING=1']))).toBe(false);
    expect(isRenaming(entry(['ID_NET_NAME=enp1s0']))).toBe(false);
  });
});
