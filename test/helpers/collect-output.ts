// A child process run to its end: its exit status (null when a signal ended
// it) and everything it wrote. Rejects when it could not be started.
import type { ChildProcess } from 'node:child_process';

export interface ChildOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function collectOutput(child: ChildProcess): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });
}
