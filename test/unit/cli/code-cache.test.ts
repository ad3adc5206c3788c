// src/cli/code-cache.ts: a CommonJS bundle required with the code cache the
// build made for it, and never with one made from another source. Real V8
// caches, made here in a temporary directory the way scripts/code-cache.mjs
// makes them (that script also runs in every build, and checks its own).
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STAMP_PREFIX, codeCacheFile, compileBundle, requireBundle, stampOf } from '../../../src/cli/code-cache.js';
import { VfkeeperError, isVfkeeperError } from '../../../src/model/errors.js';

let dir: string;
beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'vfkeeper-code-cache-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BODY = `"use strict";
const path = require('node:path');
exports.answer = (n) => n * 2;
exports.where = { file: __filename, dir: __dirname, base: path.basename(__filename), line: new Error('here').stack.split('\\n')[1] };
`;

/** A bundle ending with its stamp, and its cache as the build writes it. */
function built(name: string, body = BODY, stamp = `${STAMP_PREFIX}${'ab'.repeat(32)}`): string {
  const file = join(dir, name);
  const source = `${body}\n${stamp}\n`;
  writeFileSync(file, source);
  writeFileSync(codeCacheFile(file), Buffer.concat([Buffer.from(`${stamp}\n`), compileBundle(file, source).createCachedData()]));
  return file;
}

describe('requireBundle', () => {
  it('runs the bundle as CommonJS (exports, require, its own file and directory, its line numbers) with the cache V8 takes', () => {
    const file = built('a.js');
    const { exports, cacheUsed } = requireBundle(file);
    const mod = exports as { answer: (n: number) => number; where: { file: string; dir: string; base: string; line: string } };
    expect(mod.answer(21)).toBe(42);
    expect(mod.where).toMatchObject({ file, dir, base: 'a.js' });
    // The Error is made on the bundle's line 4: the wrapper's head does not shift it.
    expect(mod.where.line).toContain(`${file}:4:`);
    expect(cacheUsed).toBe(true);
  });

  it('compiles afresh, with the same result, when there is no cache', () => {
    const file = built('a.js');
    rmSync(codeCacheFile(file));
    const { exports, cacheUsed } = requireBundle(file);
    expect((exports as { answer: (n: number) => number }).answer(4)).toBe(8);
    expect(cacheUsed).toBe(false);
  });

  it('does not use a cache made from another source of the same length, which V8 alone would take', () => {
    const file = built('a.js');
    const cache = readFileSync(codeCacheFile(file));
    // Another build: the same length, another answer, another stamp; the first build's cache left beside it.
    const other = built('a.js', BODY.replace('n * 2', 'n * 3'), `${STAMP_PREFIX}${'cd'.repeat(32)}`);
    writeFileSync(codeCacheFile(other), cache);
    const { exports, cacheUsed } = requireBundle(other);
    expect((exports as { answer: (n: number) => number }).answer(4)).toBe(12);
    expect(cacheUsed).toBe(false);
  });

  it('does not use a cache when the bundle carries no stamp', () => {
    const file = join(dir, 'plain.js');
    writeFileSync(file, BODY);
    writeFileSync(codeCacheFile(file), 'anything');
    expect(requireBundle(file).cacheUsed).toBe(false);
  });

  it('reports a cache it cannot read, with its errno and path, rather than taking it for absent', () => {
    const file = built('a.js');
    rmSync(codeCacheFile(file));
    mkdirSync(codeCacheFile(file));
    expect(() => requireBundle(file)).toThrow(
      expect.objectContaining({ code: 'ERR_CODE_CACHE', context: expect.objectContaining({ errno: 'EISDIR', path: codeCacheFile(file) }) }),
    );
  });

  it('reports a bundle that is not there', () => {
    expect(() => requireBundle(join(dir, 'none.js'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it.skipIf(process.getuid?.() === 0)('reports a cache it may not read (EACCES)', () => {
    const file = built('a.js');
    chmodSync(codeCacheFile(file), 0);
    expect(() => requireBundle(file)).toThrow(expect.objectContaining({ context: expect.objectContaining({ errno: 'EACCES' }) }));
  });
});

describe('stampOf', () => {
  it('is the last line when it is a stamp, else nothing', () => {
    expect(stampOf(`x\n${STAMP_PREFIX}12\n`)).toBe(`${STAMP_PREFIX}12`);
    expect(stampOf(`${STAMP_PREFIX}12\nmore code\n`)).toBeUndefined();
    expect(stampOf('x\n')).toBeUndefined();
  });
});

describe('errors from another copy of the module (a bundle of its own)', () => {
  it('are ours by their brand, with their code and hint', () => {
    const file = join(dir, 'errors-copy.js');
    // A second, independent copy of the error class, as status-alone's bundle has.
    writeFileSync(
      file,
      `const BRAND = Symbol.for('vfkeeper.VfkeeperError');
class VfkeeperError extends Error { constructor(code, message, hint) { super(message); this.code = code; this.hint = hint; Object.defineProperty(this, BRAND, { value: true }); } }
exports.error = new VfkeeperError('ERR_CONFIG', 'bad', 'fix it');`,
    );
    const { error } = requireBundle(file).exports as { error: unknown };
    expect(error instanceof VfkeeperError).toBe(false);
    expect(isVfkeeperError(error)).toBe(true);
    expect(isVfkeeperError(new Error('plain'))).toBe(false);
    expect(isVfkeeperError({ code: 'ERR_CONFIG', message: 'no brand' })).toBe(false);
    expect(isVfkeeperError(new VfkeeperError('ERR_CONFIG', 'ours'))).toBe(true);
  });
});
