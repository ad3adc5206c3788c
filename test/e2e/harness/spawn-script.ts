import { spawn } from 'node:child_process';
import { VfkeeperError } from '../../../src/model/errors.js';

export interface ScriptResult {
  status: number | null;
  stdout: string;
}

/**
 * Runs a testbed script (argument vector, no shell); its stderr (progress)
 * goes to ours, its stdout is returned. Killed at the deadline, so a hung
 * build or VM can never hang the suite.
 */
export function runScript(path: string, args: readonly string[], timeoutMs: number): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new VfkeeperError('ERR_E2E_SPAWN', `cannot run ${path}: ${cause.message}`, { cause, path }));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout });
    });
  });
}
