// A stand-in for a VM holding a VF: a process of another user (QEMU runs as
// libvirt-qemu) with the VF's /dev/vfio/<group> open, as libvirt leaves it:
// the group node chowned to that user. Invariants: start resolves only once
// the group is really open (its fd link names the node); stop() kills it and
// waits for it to go, and is safe to call twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { runChecked } from './exec.js';
import { waitFor } from './wait.js';

export interface VfioHolder {
  pid: number;
  /** As /proc/PID/comm names it ("sleep"). */
  comm: string;
  node: string;
  stop(): Promise<void>;
}

/** Opens /dev/vfio/<group> as `user:group` on fd 3 and sleeps; vfio allows one opener per group. */
export async function startVfioHolder(group: string, owner: { user: string; group: string }, timeoutMs: number): Promise<VfioHolder> {
  const node = join('/dev/vfio', group);
  await runChecked(['chown', `${owner.user}:${owner.group}`, node], { timeoutMs: 10_000 });
  // $1 is the node: data, never part of the script text.
  const script = 'exec 3<>"$1" || exit 3; echo open; exec sleep 600';
  const child = spawn(
    'setpriv',
    ['--reuid', owner.user, '--regid', owner.group, '--clear-groups', '--', 'bash', '-c', script, 'holder', node],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const pid = child.pid;
  if (pid === undefined) throw new VfkeeperError('ERR_E2E_HOLDER', `could not start a process holding ${node}`);
  try {
    await waitFor(async () => ((await readlink(`/proc/${pid}/fd/3`).catch(() => '')) === node ? true : undefined), {
      what: `pid ${pid} to hold ${node} open`,
      timeoutMs,
    });
  } catch (e) {
    child.kill('SIGKILL');
    throw new VfkeeperError('ERR_E2E_HOLDER', `the holder of ${node} did not open it: ${stderr.trim() || String(e)}`, { cause: e });
  }
  const comm = await waitFor(
    async () => {
      const c = (await readFile(`/proc/${pid}/comm`, 'utf8')).trim();
      return c === 'sleep' ? c : undefined;
    },
    { what: `pid ${pid} to exec sleep`, timeoutMs },
  );
  return { pid, comm, node, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await gone;
}
