// Makes V8's code cache for a CommonJS bundle (src/cli/code-cache.ts says
// how it is used and checked):   node scripts/code-cache.mjs BUNDLE
// Run as a process of its own, by scripts/bundle.mjs: V8's lazy compiling
// is turned off here so the cache holds every function of the bundle, not
// only the ones its first lines run, and turned on again before the cache
// is written, since V8 keeps a cache only for the flags it runs with. It
// ends the bundle with the stamp of its source, writes the cache with the
// same stamp first, and then checks, in a fresh node, that the cache is
// used: a cache V8 rejects would only cost start-up time, silently.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { Buffer } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import { STAMP_PREFIX, codeCacheFile, compileBundle, requireBundle } from '../dist/cli/code-cache.js';

const [bundle, check] = process.argv.slice(2);
if (check === '--check') process.exit(requireBundle(bundle).cacheUsed ? 0 : 1);

const built = readFileSync(bundle, 'utf8');
const stamp = `${STAMP_PREFIX}${createHash('sha256').update(built).digest('hex')}`;
const source = `${built}\n${stamp}\n`;
writeFileSync(bundle, source);
setFlagsFromString('--no-lazy');
const script = compileBundle(bundle, source);
setFlagsFromString('--lazy');
writeFileSync(codeCacheFile(bundle), Buffer.concat([Buffer.from(`${stamp}\n`), script.createCachedData()]));

const used = spawnSync(process.execPath, [fileURLToPath(import.meta.url), bundle, '--check'], { stdio: 'inherit' });
if (used.status !== 0) throw new Error(`${codeCacheFile(bundle)}: V8 does not use the cache just made for ${bundle}`);
