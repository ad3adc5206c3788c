#!/usr/bin/env node
// Where the process starts (`vfkeeper` runs the bundle of this file).
// `status` (served by the daemon or observed here) and --version are
// answered here (front-status.ts); anything else loads the whole command
// line (main.ts), which scripts/bundle.mjs bundles apart (ES modules,
// dist/bundle-cli/), so a status never loads it.
import { reportError } from './report-error.js';
import { frontStatus } from './front-status.js';

async function run(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return (await frontStatus(argv, env)) ?? (await import('./main.js')).main(argv, env);
}

void run(process.argv.slice(2), process.env).then(
  (status) => void (process.exitCode = status),
  // Only what main.ts's own report could not catch (a failed write of the output).
  (e: unknown) => void (process.exitCode = reportError(e)),
);
