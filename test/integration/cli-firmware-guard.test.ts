// The firmware guard in every run: a linux-firmware update pointed the links
// back at nic/; `warn` says so once, `fix` re-points each link and logs it.
import { mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

const BOARDS = ['nic_AMDA0058-0011_2x40.nffw', 'nic_AMDA0058-0012_2x40.nffw', 'nic_AMDA0096-0001_2x10.nffw'];
let t: TempDir;
let fw: string;

beforeEach(() => {
  t = tempDir();
  fw = t.path('netronome');
  for (const flavour of ['nic', 'nic-sriov']) {
    mkdirSync(`${fw}/${flavour}`, { recursive: true });
    for (const b of BOARDS) writeFileSync(`${fw}/${flavour}/${b}`, `${flavour}\n`);
  }
  for (const b of BOARDS) symlinkSync(`nic/${b}`, `${fw}/${b}`);
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--vfs', '2']).stdout);
});
afterEach(() => t.remove());

const run = (guard: string) => {
  writeFileSync(t.path('c.yaml'), `forwarder: { enabled: false }\nfirmware: { dir: ${fw}, flavour: nic-sriov, guard: ${guard} }\n`);
  return vfkeeper(['reconcile', '--simulate', t.path('h.json'), '--config', t.path('c.yaml')]);
};

describe('the firmware guard', () => {
  it('with warn, reports the links once and changes none', () => {
    const r = run('warn');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/WARN\s+3 firmware link\(s\) in .* point away from nic-sriov\/.*next driver reload loads non-SR-IOV firmware/);
    expect(r.stderr.match(/^<4>3 firmware link/gm)).toHaveLength(1);
    expect(BOARDS.map((b) => readlinkSync(`${fw}/${b}`))).toEqual(BOARDS.map((b) => `nic/${b}`));
  });

  it('with fix, re-points every link to nic-sriov/ with one log entry each, and then has nothing to do', () => {
    const r = run('fix');
    expect(r.status).toBe(0);
    expect(BOARDS.map((b) => readlinkSync(`${fw}/${b}`))).toEqual(BOARDS.map((b) => `nic-sriov/${b}`));
    const entries = r.stderr.split('\n').filter((l) => l.includes('VFKEEPER_STEP=repoint-firmware-link'));
    expect(entries).toHaveLength(3);
    expect(entries.every((l) => /^<5>Re-pointed firmware link .* to nic-sriov\/.* \(was nic\/.*FIRMWARE_LINK=/.test(l))).toBe(true);
    expect(run('fix').stdout).not.toMatch(/Re-pointed/);
  });

  it('with off, looks at nothing', () => {
    expect(run('off').stdout).not.toMatch(/firmware link/);
  });
});
