// Ending a child process we started: SIGTERM, and SIGKILL if it is still
// there after a deadline. Resolves once the child has exited.
import type { ChildProcess } from 'node:child_process';

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (hasExited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(hasExited(child));
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

export async function waitForChildExit(child: ChildProcess, deadlineMs: number): Promise<void> {
  if (hasExited(child)) return;
  child.kill('SIGTERM');
  if (await exited(child, deadlineMs)) return;
  child.kill('SIGKILL');
  await exited(child, deadlineMs);
}
