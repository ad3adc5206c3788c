import { spawn } from 'node:child_process';
import { VfkeeperError } from '../../../../src/model/errors.js';

export interface CommandResult {
  argv: readonly string[];
  /** Exit status, or null when a signal ended it. */
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  timeoutMs: number;
  input?: string;
  /** The child's whole environment (default: ours). */
  env?: NodeJS.ProcessEnv;
}

/** Runs a program (never through a shell) and collects its output; kills it at the deadline. */
export function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new VfkeeperError('ERR_E2E_USAGE', 'runCommand needs a program'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(new VfkeeperError('ERR_E2E_SPAWN', `cannot run ${file}: ${cause.message}`, { cause }));
    });
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ argv, status, stdout, stderr });
    });
    // A child that exits without reading its input must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like runCommand, but a non-zero exit is an error carrying stderr. */
export async function runChecked(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const result = await runCommand(argv, options);
  if (result.status !== 0) {
    const why = result.status === null ? `was killed after ${options.timeoutMs} ms` : `exited with ${result.status}`;
    throw new VfkeeperError('ERR_E2E_COMMAND', `${argv.join(' ')} ${why}: ${result.stderr.trim()}`, {
      hint: 'the command ran inside the guest; see output.log',
    });
  }
  return result;
}
