// Bundles the compiled CLI (dist/cli/) for `vfkeeper`, the tests' CLI and
// the installed unit, in two parts:
//  - dist/bundle/main.js (CommonJS, from entry.ts): node's start, a status
//    the daemon serves, and --version; under 64 KiB, checked below. It
//    loads nothing else for those: a CommonJS file does not start Node 20's
//    ESM loader, which cost a served status ~25% of its CPU time
//    (bench/RESULTS.md 0g).
//  - dist/bundle-status/status-alone.js (CommonJS, from
//    commands/status-alone.ts): what the front requires for a status no
//    daemon serves, one file with V8's code cache beside it
//    (scripts/code-cache.mjs): 0.4 MB, not the whole command line's 0.65.
//  - dist/bundle-cli/ (ES modules, from main.ts): the whole command line,
//    which main.js imports for anything else; one file and a chunk per
//    lazily loaded command (Node 20 loads ES modules file by file, and ~370
//    of them cost `status` more than its 120 ms budget). Not CommonJS: one
//    CommonJS file made one-off commands start faster, but the daemon's
//    runs in the real-kernel guest came out slower in both runs tried
//    (RESULTS 0g), and the daemon's speed is the one that counts.
// dist/bundle/package.json says "commonjs", as the project's own says
// "module". Native addons (zeromq, the journald binding, sd-notify) and
// dbus-next (daemon-only) stay in node_modules, found from dist/ as from
// the sources. Identifiers are kept, so stack traces stay readable. Both
// parts sit two levels below the project, as dist/cli does, so version.ts
// finds ../../package.json the same way.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const front = `${root}dist/bundle`;
const whole = `${root}dist/bundle-cli`;
const statusAlone = `${root}dist/bundle-status`;
const FRONT_MAX = 64 * 1024;
const EXTERNAL = ['zeromq', 'systemd-journald', 'sd-notify', 'dbus-next'];

/** entry.ts's import of main.ts: the whole command line's bundle, imported at run time, not inlined into main.js. */
const wholeCliApart = {
  name: 'whole-cli-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
      args.importer === `${root}dist/cli/entry.js` ? { path: '../bundle-cli/main.js', external: true } : undefined,
    );
  },
};

await rm(front, { recursive: true, force: true });
await rm(whole, { recursive: true, force: true });
await rm(statusAlone, { recursive: true, force: true });

/** One CommonJS file in `outdir`, from the compiled `entry`. */
async function commonJs(outdir, name, entry, plugins = []) {
  await mkdir(outdir, { recursive: true });
  await writeFile(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
  return build({
    entryPoints: { [name]: entry },
    outdir,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    plugins,
    minifyWhitespace: true,
    minifySyntax: true,
    external: EXTERNAL,
    // No banner: code before the "use strict" esbuild writes would leave the bundle in sloppy mode.
    inject: [`${root}scripts/bundle-module-url.js`],
    define: { 'import.meta.url': '__vfkeeperModuleUrl' },
    metafile: true,
    logLevel: 'warning',
  });
}

const frontBuild = await commonJs(front, 'main', `${root}dist/cli/entry.js`, [wholeCliApart]);
const frontBytes = frontBuild.metafile.outputs['dist/bundle/main.js']?.bytes;
if (frontBytes === undefined || frontBytes > FRONT_MAX) {
  throw new Error(
    `dist/bundle/main.js is ${frontBytes ?? '?'} bytes (at most ${FRONT_MAX}): a served status must not parse the whole CLI; ` +
      `something entry.ts imports statically pulls in more (esbuild's metafile names the inputs)`,
  );
}
await commonJs(statusAlone, 'status-alone', `${root}dist/cli/commands/status-alone.js`);
// In a process of its own: it turns V8's lazy compiling off while it compiles.
execFileSync(process.execPath, [`${root}scripts/code-cache.mjs`, `${statusAlone}/status-alone.js`], { stdio: 'inherit' });
await build({
  entryPoints: { main: `${root}dist/cli/main.js` },
  outdir: whole,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  external: EXTERNAL,
  // protobufjs (CommonJS) looks up optional modules ("long") with require;
  // an ES module has none, so each chunk gets one, as dist/ would see it.
  banner: { js: "import { createRequire as __vfkeeperRequire } from 'node:module'; const require = __vfkeeperRequire(import.meta.url);" },
  logLevel: 'warning',
});
