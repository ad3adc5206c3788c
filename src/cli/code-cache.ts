// A CommonJS bundle loaded with V8's code cache, made when the bundle is
// built (scripts/code-cache.mjs): node 20 has no module.enableCompileCache,
// and compiling the ~400 KB `status` needs alone (yaml, zod, protobufjs,
// the planner) took 10-15% of its CPU time (bench/RESULTS.md 0h).
//
// The cache sits beside the bundle, as root-owned as the bundle itself; it
// is never written at run time. V8 checks that a cache came from the same
// V8 and flags and from a source of the same length, and compiles afresh
// when it did not; it does not compare the source itself, so the cache also
// carries the SHA-256 of the source it was made from, which the bundle ends
// with. A cache from another build is not used: the bundle is compiled
// afresh, as without one.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { errnoOf } from '../model/errno.js';
import { VfkeeperError } from '../model/errors.js';

/** The last line of a bundle built with a cache, and the first of its cache: what ties the two together. */
export const STAMP_PREFIX = '//# vfkeeper-build ';

// CommonJS's own wrapper, its head on a line of its own so the bundle's line numbers stay as they are.
const HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const TAIL = '\n})';

export const codeCacheFile = (bundle: string): string => `${bundle}.cache`;

/** The stamp line a bundle ends with, or undefined when it was built without one. */
export function stampOf(source: string): string | undefined {
  const at = source.lastIndexOf(STAMP_PREFIX);
  if (at < 0) return undefined;
  const line = source.slice(at).trimEnd();
  return line.includes('\n') ? undefined : line;
}

/** The bundle compiled as CommonJS, with its cache's bytes when given (V8 may still reject them). */
export function compileBundle(file: string, source: string, cachedData?: Buffer): Script {
  return new Script(HEAD + source + TAIL, { filename: file, lineOffset: -1, cachedData });
}

/** The V8 data of the bundle's cache; undefined when there is none (ENOENT) or it was made from another source. */
export function readCodeCache(file: string, source: string): Buffer | undefined {
  const stamp = stampOf(source);
  if (stamp === undefined) return undefined;
  const cacheFile = codeCacheFile(file);
  let bytes: Buffer;
  try {
    bytes = readFileSync(cacheFile);
  } catch (e) {
    // Only a cache that is not there is "none": any other failure is the installation's and is reported.
    const errno = errnoOf(e);
    if (errno === 'ENOENT') return undefined;
    throw new VfkeeperError('ERR_CODE_CACHE', `${cacheFile}: cannot read vfkeeper's code cache (${errno ?? String(e)})`, {
      path: cacheFile,
      errno,
      cause: e,
      hint: `reinstall vfkeeper; the cache only saves start-up time, so removing ${cacheFile} also does`,
    });
  }
  const head = Buffer.from(`${stamp}\n`);
  return bytes.subarray(0, head.length).equals(head) ? bytes.subarray(head.length) : undefined;
}

export interface LoadedBundle {
  exports: unknown;
  /** Whether V8 used the cache: false when there was none, or it was made by another build or another V8. */
  cacheUsed: boolean;
}

/** Requires a CommonJS bundle as node would, with its code cache when one matches it. */
export function requireBundle(file: string): LoadedBundle {
  const source = readFileSync(file, 'utf8');
  const cachedData = readCodeCache(file, source);
  const script = compileBundle(file, source, cachedData);
  const module = { exports: {} as unknown };
  const wrapper = script.runInThisContext() as (
    exports: unknown,
    require: NodeJS.Require,
    module: unknown,
    filename: string,
    dir: string,
  ) => void;
  wrapper(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
