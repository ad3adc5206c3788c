// The part of `status --json` that is not vfkeeper's own code: node with the
// libraries status loads (yaml, zod/mini, protobufjs's minimal runtime, the
// zeromq addon), each doing the least status asks of it (parse the
// configuration's text, check a schema, encode a message, open and close a
// REQ socket). Bundled as status alone loads them (esbuild, one CommonJS
// file, zeromq external: dist/bundle-status/), but without a code cache. What it costs over `node -e 0` is a floor no
// change to vfkeeper's code can go below while these libraries are the ones.
import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { URL, fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const ENTRY = `import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import * as z from 'zod/mini';
import protobuf from 'protobufjs/minimal.js';
import { Request } from 'zeromq';
const doc = parseDocument(readFileSync(process.argv[2], 'utf8'), { uniqueKeys: true }).toJS();
const schema = z.looseObject({ forwarder: z.optional(z.looseObject({ stats: z.optional(z.string()) })) });
if (!z.safeParse(schema, doc).success) process.exit(3);
const w = protobuf.Writer.create();
w.uint32(8).int32(1);
if (w.finish().length !== 2) process.exit(4);
const socket = new Request();
socket.connect(process.argv[3]);
socket.close();
`;

/**
 * Writes the bundled probe (its entry in `dir`, the bundle under dist/bench,
 * where the external zeromq resolves from the project's node_modules as the
 * CLI's does); run it as `node FILE CONFIG ENDPOINT`.
 */
export async function buildDepsFloor(dir) {
  const entry = path.join(dir, 'deps-floor-entry.mjs');
  const outfile = path.join(ROOT, 'dist', 'bench', 'deps-floor.cjs');
  await writeFile(entry, ENTRY);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['zeromq'],
    nodePaths: [path.join(ROOT, 'node_modules')],
    logLevel: 'warning',
  });
  return outfile;
}
