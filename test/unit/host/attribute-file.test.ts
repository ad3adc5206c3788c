// The real adapter's attribute reads and writes (src/host/real/attribute-file.ts):
// the whole text whatever its length, the value written as given, the
// errno of what failed, and no descriptor left open either way (the
// daemon runs for months).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readAttribute, writeAttribute } from '../../../src/host/real/attribute-file.js';

const dir = mkdtempSync(join(tmpdir(), 'vfkeeper-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openFds = () => readdirSync('/proc/self/fd').length;

describe('readAttribute', () => {
  it.each([
    ['empty', ''],
    ['one line', '0x8086\n'],
    ['exactly one chunk', 'x'.repeat(4096)],
    ['several chunks', `${'0123456789abcdef'.repeat(700)}\n`],
  ])('reads a file whole: %s', async (name, text) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    expect(await readAttribute(path)).toBe(text);
  });

  it('keeps a character whose bytes straddle two chunks', async () => {
    const text = `${'a'.repeat(4095)}é\n`;
    writeFileSync(join(dir, 'utf8'), text);
    expect(await readAttribute(join(dir, 'utf8'))).toBe(text);
  });

  it('rejects with the errno of the open or of the read, and closes what it opened', async () => {
    const before = openFds();
    await expect(readAttribute(join(dir, 'absent'))).rejects.toMatchObject({ code: 'ENOENT' });
    // A directory opens, and its read fails: the descriptor must still be closed.
    await expect(readAttribute(dir)).rejects.toMatchObject({ code: 'EISDIR' });
    await Promise.all(Array.from({ length: 50 }, () => readAttribute(dir).catch(() => undefined)));
    expect(openFds()).toBe(before);
  });
});

describe('writeAttribute', () => {
  it('writes the value over what was there, and creates nothing', async () => {
    const path = join(dir, 'sriov_numvfs');
    writeFileSync(path, '16\n');
    await writeAttribute(path, '8\n');
    expect(readFileSync(path, 'utf8')).toBe('8\n');
    await expect(writeAttribute(join(dir, 'absent'), '1\n')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(existsSync(join(dir, 'absent'))).toBe(false);
  });

  it('rejects with the errno, and leaves no descriptor open', async () => {
    const before = openFds();
    await expect(writeAttribute(dir, '1\n')).rejects.toMatchObject({ code: 'EISDIR' });
    await Promise.all(Array.from({ length: 50 }, (_, i) => writeAttribute(join(dir, 'sriov_numvfs'), `${i}\n`)));
    expect(openFds()).toBe(before);
  });
});
