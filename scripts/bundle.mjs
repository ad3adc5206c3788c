// Bundles the compiled CLI (dist/cli/) for `vfkeeper`, the tests' CLI and
// the installed unit, in two parts:
//  - dist/bundle/main.js (CommonJS, from entry.ts): node's start, a status
//    the daemon serves, and --version; under 64 KiB, checked below. It
//    loads nothing else for those: a CommonJS file does not start Node 20's
//    ESM loader, which cost a served status ~25% of its CPU time
//    (bench/RESULTS.md 0g).
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
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const front = `${root}dist/bundle`;
const whole = `${root}dist/bundle-cli`;
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
await mkdir(front, { recursive: true });
await writeFile(`${front}/package.json`, '{ "type": "commonjs" }\n');
const frontBuild = await build({
  entryPoints: { main: `${root}dist/cli/entry.js` },
  outdir: front,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [wholeCliApart],
  minifyWhitespace: true,
  minifySyntax: true,
  external: EXTERNAL,
  // No banner: code before the "use strict" esbuild writes would leave the bundle in sloppy mode.
  inject: [`${root}scripts/bundle-module-url.js`],
  define: { 'import.meta.url': '__vfkeeperModuleUrl' },
  metafile: true,
  logLevel: 'warning',
});
const frontBytes = frontBuild.metafile.outputs['dist/bundle/main.js']?.bytes;
if (frontBytes === undefined || frontBytes > FRONT_MAX) {
  throw new Error(
    `dist/bundle/main.js is ${frontBytes ?? '?'} bytes (at most ${FRONT_MAX}): a served status must not parse the whole CLI; ` +
      `something entry.ts imports statically pulls in more (esbuild's metafile names the inputs)`,
  );
}
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
