// A throw-away copy of this worktree for tests that run make: they build,
// stage and package there, so nothing they do races the worktree's own
// dist/ or leaves debian-build/ behind. node_modules is hard-linked (fast,
// and nothing in the copy writes into its files).
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const WORKTREE = new URL('../../../', import.meta.url).pathname;
const LEFT_OUT = new Set(['node_modules', 'dist', 'debian-build', '.git', 'coverage', '.e2e']);

export async function copyWorktree(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vfkeeper-worktree-'));
  for (const entry of await readdir(WORKTREE)) {
    if (LEFT_OUT.has(entry) || entry.endsWith('.deb')) continue;
    await cp(join(WORKTREE, entry), join(dir, entry), { recursive: true, preserveTimestamps: true });
  }
  await run('cp', ['-al', join(WORKTREE, 'node_modules'), join(dir, 'node_modules')]);
  // The worktree's node_modules are installed: make's deps step has nothing
  // to do. A new file, not the worktree's hard-linked one.
  const stamp = join(dir, 'node_modules', '.installed');
  await rm(stamp, { force: true });
  await writeFile(stamp, '');
  return dir;
}

/** make TARGET VAR=value... in dir; rejects with make's output on failure. */
export async function make(dir: string, args: string[]): Promise<string> {
  const { stdout, stderr } = await run('make', ['--no-print-directory', '-C', dir, ...args], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout + stderr;
}
