// Bundles the compiled CLI (dist/cli/) into dist/bundle/: what the
// installed `vfkeeper` and the tests' CLI run. Two CommonJS files:
//  - main.js, from entry.ts: node's start, the served `status` (the daemon
//    answers it) and nothing else; under 64 KiB, checked below;
//  - cli.js, from main.ts: the whole command line, loaded by main.js for
//    anything else. Lazily imported modules (each command, status-alone,
//    the daemon's parts) are inlined behind esbuild's lazy wrappers: parsed
//    with the file, run only when imported.
// Why CommonJS, one file each: Node 20 loads ES modules through its ESM
// loader, which costs every command its own start-up (resolve, read,
// link each module, and the loader itself: ~25% of a served status's CPU
// time, and `status` alone took ~1.3x as long as the same code in one
// CommonJS file: bench/RESULTS.md 0g). dist/bundle/package.json says
// "commonjs", as the project's own says "module".
//
// Native addons (zeromq, the journald binding, sd-notify) and dbus-next
// (daemon-only) stay in node_modules, found from dist/bundle as from dist.
// Identifiers are kept, so stack traces stay readable. dist/bundle sits
// two levels below the project, as dist/cli does, so main.ts finds
// ../../package.json the same way (import.meta.url is this file's URL).
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;
const FRONT_MAX = 64 * 1024;

/** entry.ts's import of main.ts: cli.js, required at run time, not inlined into main.js. */
const wholeCliApart = {
  name: 'whole-cli-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
      args.importer === `${root}dist/cli/entry.js` ? { path: './cli.js', external: true } : undefined,
    );
  },
};

await rm(outdir, { recursive: true, force: true });
await mkdir(outdir, { recursive: true });
await writeFile(`${outdir}/package.json`, '{ "type": "commonjs" }\n');
const result = await build({
  entryPoints: { main: `${root}dist/cli/entry.js`, cli: `${root}dist/cli/main.js` },
  outdir,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // An import() left to run time (cli.js) becomes a require(): an import()
  // would start the ESM loader this bundle is made to avoid.
  supported: { 'dynamic-import': false },
  plugins: [wholeCliApart],
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['zeromq', 'systemd-journald', 'sd-notify', 'dbus-next'],
  // No banner: code before the "use strict" esbuild writes would leave the bundle in sloppy mode.
  inject: [`${root}scripts/bundle-module-url.js`],
  define: { 'import.meta.url': '__vfkeeperModuleUrl' },
  metafile: true,
  logLevel: 'warning',
});
const front = result.metafile.outputs['dist/bundle/main.js'];
if (front === undefined || front.bytes > FRONT_MAX) {
  throw new Error(
    `dist/bundle/main.js is ${front?.bytes ?? '?'} bytes (at most ${FRONT_MAX}): the served status must not parse the whole CLI; ` +
      `something entry.ts imports statically pulls in more (esbuild's metafile names the inputs)`,
  );
}
