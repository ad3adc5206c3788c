// System tools (ip, ethtool, modprobe, getent) run by argument vector,
// never through a shell, with a deadline.
import { execFile } from 'node:child_process';
import { HostError } from '../host-error.js';

export interface ToolResult {
  stdout: string;
  stderr: string;
}

export function runTool(command: string, args: string[], timeoutMs = 10_000): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr });
      const line = [command, ...args].join(' ');
      const why = error.killed ? `timed out after ${timeoutMs} ms` : stderr.trim() || error.message;
      reject(
        new HostError('ERR_TOOL_FAILED', `\`${line}\` failed: ${why}`, {
          cause: error,
          errno: typeof error.code === 'string' ? error.code : undefined,
          hint: typeof error.code === 'string' && error.code === 'ENOENT' ? `install ${command}` : undefined,
        }),
      );
    });
  });
}
