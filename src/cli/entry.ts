#!/usr/bin/env node
// Where the process starts (`vfkeeper` runs the bundle of this file). A
// status the daemon serves is answered here; anything else loads the whole
// command line (main.ts), which scripts/bundle.mjs bundles apart (ES
// modules, dist/bundle-cli/), so a served status never loads it, nor starts
// Node's ESM loader.
import { reportError } from './report-error.js';
import { serveStatus } from './served-status.js';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return (await serveStatus(argv, env)) ?? (await import('./main.js')).main(argv, env);
}

void run(process.argv.slice(2), process.env).then(
  (status) => void (process.exitCode = status),
  // Only what main.ts's own report could not catch (a failed write of the output).
  (e: unknown) => void (process.exitCode = reportError(e)),
);
