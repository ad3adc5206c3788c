// Bundles the compiled CLI (dist/cli/main.js) into dist/bundle/: what the
// installed `vfkeeper` and the tests' CLI run. Why: Node 20 loads ESM file
// by file (resolve, stat, read, compile each of ~200 modules), which cost
// `status --json` about 100 ms of its 120 ms budget; one file and a chunk
// per lazily loaded command load in a fraction of that (bench/RESULTS.md).
//
// Native addons (zeromq, the journald binding, sd-notify)
// and dbus-next (daemon-only) stay in node_modules, found from dist/bundle
// as from dist. Identifiers are kept, so stack traces stay readable.
// dist/bundle sits two levels below the project, as dist/cli/main.js does,
// so main.js finds ../../package.json the same way.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/bundle`;

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { main: `${root}dist/cli/main.js` },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minifyWhitespace: true,
  minifySyntax: true,
  external: ['zeromq', 'systemd-journald', 'sd-notify', 'dbus-next'],
  // protobufjs (CommonJS) looks up optional modules ("long") with require;
  // an ES module has none, so each chunk gets one, as dist/ would see it.
  banner: { js: "import { createRequire as __vfkeeperRequire } from 'node:module'; const require = __vfkeeperRequire(import.meta.url);" },
  logLevel: 'warning',
});
