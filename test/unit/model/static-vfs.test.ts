// VIRTIOFWD_STATIC_VFS as the forwarder's environment file writes it, and
// the reader at the edge: absent is empty, anything unreadable or malformed
// is an error naming the file and the value (fail closed).
import { chmodSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../../src/model/env-file.js';
import { parseStaticVfs, parseStaticVfsOf } from '../../../src/model/static-vfs.js';
import { readStaticVfs } from '../../../src/host/static-vfs-file.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

describe('parseStaticVfs', () => {
  it.each([
    [
      '(0000:05:08.1=1 0000:05:08.2=2)',
      [
        ['0000:05:08.1', 1],
        ['0000:05:08.2', 2],
      ],
    ],
    ['0000:05:08.1=1', [['0000:05:08.1', 1]]],
    [
      '( "05:08.1=0"  \'0000:05:08.2=59\' )',
      [
        ['0000:05:08.1', 0],
        ['0000:05:08.2', 59],
      ],
    ],
    ['()', []],
    ['', []],
  ])('%s', (value, want) => {
    expect(parseStaticVfs(value)).toEqual({ ok: true, entries: want.map(([pci, virtioId]) => ({ pci, virtioId })) });
  });

  it.each([
    ['(0000:05:08.1)', '"0000:05:08.1" is not <PCI address>=<relay number 0-59>'],
    ['(0000:05:08.1=60)', '"0000:05:08.1=60" is not'],
    ['(eth0=1)', '"eth0=1" is not'],
    ['(0000:05:08.1=1', 'the array has no closing )'],
    ['(0000:05:08.1=1 0000:05:08.1=2)', 'VF 0000:05:08.1 is listed twice'],
    ['(0000:05:08.1=1 0000:05:08.2=1)', 'relay 1 is listed twice'],
  ])('%s is an error that quotes the value', (value, why) => {
    const r = parseStaticVfs(value);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toContain(`VIRTIOFWD_STATIC_VFS="${value}"`);
      expect(r.error).toContain(why);
    }
  });

  it('an array over several lines (which the line-wise reader cannot take) is an error, not an empty list', () => {
    const r = parseStaticVfsOf(parseEnvFile('VIRTIOFWD_CPU_MASK=1,2\nVIRTIOFWD_STATIC_VFS=(\n  0000:05:08.1=1\n)\n'));
    expect(r).toEqual({ ok: false, error: 'line 2 "VIRTIOFWD_STATIC_VFS=(" is not one assignment on one line' });
  });
});

describe('readStaticVfs', () => {
  let t: TempDir;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.remove());

  it('an absent file or key is an empty list', async () => {
    expect(await readStaticVfs(t.path('none'))).toEqual([]);
    writeFileSync(t.path('virtioforwarder'), 'VIRTIOFWD_CPU_MASK=1,2\n');
    expect(await readStaticVfs(t.path('virtioforwarder'))).toEqual([]);
  });

  it('a malformed value throws ERR_STATIC_VFS naming the file and the value', async () => {
    writeFileSync(t.path('virtioforwarder'), 'VIRTIOFWD_STATIC_VFS=(0000:05:08.1-1)\n');
    await expect(readStaticVfs(t.path('virtioforwarder'))).rejects.toMatchObject({
      code: 'ERR_STATIC_VFS',
      message: `${t.path('virtioforwarder')}: VIRTIOFWD_STATIC_VFS="(0000:05:08.1-1)": "0000:05:08.1-1" is not <PCI address>=<relay number 0-59> (e.g. 0000:05:08.1=1)`,
      context: { path: t.path('virtioforwarder') },
    });
  });

  it('a file that cannot be read is an error, not an empty list', async () => {
    writeFileSync(t.path('virtioforwarder'), 'VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1)\n');
    chmodSync(t.dir, 0o000);
    try {
      // root reads through permissions: a directory in place of the file fails for everyone.
      const path = process.getuid?.() === 0 ? t.dir : t.path('virtioforwarder');
      await expect(readStaticVfs(path)).rejects.toMatchObject({ code: 'ERR_STATIC_VFS' });
    } finally {
      chmodSync(t.dir, 0o700);
    }
  });
});
