// `vfkeeper firmware --fix --initramfs` as a user runs it: the links are
// re-pointed, then the initramfs is rebuilt as its own logged step. The
// program is a fake update-initramfs that records its argv: a test never
// rebuilds this machine's /boot.
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { release } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { writeFakeProgram } from '../helpers/initramfs.js';
import { tempDir, type TempDir } from '../helpers/temp.js';
import { BOARDS, writeFirmwareTree } from '../unit/doctor/fixture-host.js';

let t: TempDir;
let root: string;
let fake: string;
let argvLog: string;

beforeEach(async () => {
  t = tempDir('vfk-fw-initramfs-');
  root = t.path('root');
  fake = t.path('bin/update-initramfs');
  argvLog = t.path('argv.log');
  await writeFirmwareTree(root, 'nic');
  writeFakeProgram(fake, argvLog);
});
afterEach(() => t.remove());

const firmware = (args: string[], env: NodeJS.ProcessEnv = { VFKEEPER_UPDATE_INITRAMFS: fake }) =>
  vfkeeper(['firmware', ...args, '--root', root], { env });
const link = (board: string): string => readlinkSync(`${root}/lib/firmware/netronome/${board}`);

describe('vfkeeper firmware --fix --initramfs', () => {
  it('re-points the links, then runs update-initramfs -u -k RELEASE (argv, no shell) and logs it', () => {
    const r = firmware(['--fix', '--initramfs']);
    expect(r.status).toBe(0);
    expect(BOARDS.map(link)).toEqual(BOARDS.map((b) => `nic-sriov/${b}`));
    expect(readFileSync(argvLog, 'utf8')).toBe(`-u\n-k\n${release()}\n`);
    expect(r.stdout).toContain(
      `refreshed /boot/initrd.img-${release()} (${fake} -u -k ${release()}): the next boot loads the firmware the links name\n`,
    );
    const entry = r.stderr.split('\n').find((l) => l.includes('VFKEEPER_STEP=refresh-initramfs'));
    expect(entry).toMatch(new RegExp(`^<5>Refreshed the initramfs of ${release().replace(/\./g, '\\.')} `));
  });

  it('gives the step in the JSON document', () => {
    const r = firmware(['--fix', '--initramfs', '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).initramfs).toEqual({
      release: release(),
      file: `/boot/initrd.img-${release()}`,
      command: [fake, '-u', '-k', release()],
      result: 'ok',
      why: 'so the next boot loads the firmware the links name, not the copy in the initramfs',
    });
  });

  it('a failing update-initramfs: a clear error with its output, the failure logged, exit 1', () => {
    writeFakeProgram(fake, argvLog, 1, 'E: /boot: No space left on device');
    const r = firmware(['--fix', '--initramfs']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `failed   ${fake} -u -k ${release()}: \`${fake} -u -k ${release()}\` failed: E: /boot: No space left on device\n`,
    );
    expect(r.stdout).toContain(`/boot/initrd.img-${release()} may still hold the old firmware`);
    const entry = r.stderr.split('\n').find((l) => l.includes('VFKEEPER_STEP=refresh-initramfs'));
    expect(entry).toMatch(/^<3>Refreshing the initramfs of .* failed: .*No space left on device/);
    // The links were fixed all the same.
    expect(BOARDS.map(link)).toEqual(BOARDS.map((b) => `nic-sriov/${b}`));
  });

  it('under --root without a named program: refused (exit 2) before anything changed; the real update-initramfs is never run', () => {
    const r = firmware(['--fix', '--initramfs'], { VFKEEPER_UPDATE_INITRAMFS: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `vfkeeper: --initramfs with --root ${root} would rebuild this machine's initramfs in /boot, not that host's: ` +
        'run it on the host itself, or name the program to run in VFKEEPER_UPDATE_INITRAMFS',
    );
    expect(BOARDS.map(link)).toEqual(BOARDS.map((b) => `nic/${b}`));
  });

  it('--initramfs without --fix is a usage error', () => {
    const r = firmware(['--initramfs']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('vfkeeper: --initramfs only goes with --fix');
    expect(existsSync(argvLog)).toBe(false);
  });

  it('is not run while the links cannot be right (no nic-sriov/ installed): the initramfs would take the wrong firmware in', async () => {
    await rm(`${root}/lib/firmware/netronome/nic-sriov`, { recursive: true });
    const r = firmware(['--fix', '--initramfs']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `not run  ${fake} -u -k ${release()}: /lib/firmware/netronome/nic-sriov/ is missing: the initramfs would take the wrong firmware in\n`,
    );
    expect(existsSync(argvLog)).toBe(false);
  });
});
