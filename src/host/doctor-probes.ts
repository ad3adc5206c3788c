// The live-host probes doctor uses when it reads the running system (root
// /): the kernel ring buffer, a unit's ActiveState, the kernel release.
// Programs run by argument vector, never through a shell, with a deadline.
import { execFile } from 'node:child_process';
import { release } from 'node:os';
import { VfkeeperError } from '../model/errors.js';

const TIMEOUT_MS = 5000;
const MAX_BUFFER = 64 * 1024 * 1024;

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runProgram(argv: readonly [string, ...string[]]): Promise<RunResult> {
  const [file, ...args] = argv;
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { timeout: TIMEOUT_MS, maxBuffer: MAX_BUFFER, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') {
        reject(new VfkeeperError('ERR_PROGRAM', `${argv.join(' ')}: ${err.message}`, { cause: err }));
        return;
      }
      resolvePromise({ code: err && typeof err.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

/** The kernel ring buffer (`dmesg`); throws when it cannot be read (dmesg_restrict, no dmesg). */
export async function readDmesg(): Promise<string> {
  const r = await runProgram(['dmesg']);
  if (r.code !== 0) throw new VfkeeperError('ERR_PROGRAM', `dmesg exited with status ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** `systemctl is-active UNIT`: "active", "inactive", "failed", "activating"...; throws without systemctl. */
export async function readUnitActiveState(unit: string): Promise<string> {
  const r = await runProgram(['systemctl', 'is-active', '--', unit]);
  const state = r.stdout.trim();
  if (state === '') throw new VfkeeperError('ERR_PROGRAM', `systemctl is-active ${unit} said nothing: ${r.stderr.trim()}`);
  return state;
}

/** The running kernel's release, as `uname -r`. */
export function readKernelRelease(): string {
  return release();
}
