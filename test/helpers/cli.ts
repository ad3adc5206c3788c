// Run the built CLI as a user would (the bundle `vfkeeper` runs): a child
// process, its exit status and output.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { collectOutput } from './collect-output.js';

export const CLI = fileURLToPath(new URL('../../dist/bundle/main.js', import.meta.url));

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function vfkeeper(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { ...process.env, VFKEEPER_LOG: 'stderr', ...options.env },
    encoding: 'utf8',
    input: options.input,
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking the test's event loop (needed when the test serves the CLI, e.g. an in-process emulator). */
export async function vfkeeperAsync(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, VFKEEPER_LOG: 'stderr', ...options.env } });
  const r = await collectOutput(child);
  return { ...r, status: r.status ?? -1 };
}
