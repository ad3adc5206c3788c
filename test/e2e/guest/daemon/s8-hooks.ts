// Scenario 8: the dispatcher hooks, installed where NetworkManager
// (dispatcher.d) and networkd-dispatcher (routable.d, configured.d) look,
// run directly as those dispatchers would run them (neither is in the
// image) for an interface vfkeeper does not manage: each exits 0, and the
// daemon logs the event as ignored.
import { stat } from 'node:fs/promises';
import { runCommand } from '../lib/exec.js';
import { readJournalCursor } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { waitForDaemonEntries, type DaemonContext } from './context.js';
import type { S8Facts } from './facts.js';

const IFACE = 'lo';

interface HookRun {
  path: string;
  args: string[];
  env: Record<string, string>;
}

const HOOKS: readonly HookRun[] = [
  { path: '/usr/lib/NetworkManager/dispatcher.d/90-vfkeeper', args: [IFACE, 'up'], env: {} },
  { path: '/usr/lib/networkd-dispatcher/routable.d/90-vfkeeper', args: [], env: { IFACE, STATE: 'routable' } },
  // networkd-dispatcher without STATE: the hook takes it from its directory.
  { path: '/usr/lib/networkd-dispatcher/configured.d/90-vfkeeper', args: [], env: { IFACE } },
];

async function runHook(hook: HookRun): Promise<S8Facts['hooks'][number]> {
  const mode = ((await stat(hook.path)).mode & 0o7777).toString(8);
  // A dispatcher's small environment: a PATH and its own variables.
  const env = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...hook.env };
  const r = await runCommand([hook.path, ...hook.args], { timeoutMs: 180_000, env });
  return { ...hook, mode, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function runHooks(ctx: DaemonContext): Promise<void> {
  const { rec } = ctx;
  const cursor = await readJournalCursor();
  const hooks = await rec.step(`s8: the three installed hooks run for ${IFACE} (not managed): each exits 0`, async () => {
    const runs = await Promise.all(HOOKS.map(runHook));
    for (const r of runs) expectEqual(`${r.path} exit status (${r.stderr.trim()})`, r.status, 0);
    return runs;
  });
  const entries = await rec.step(`s8: journal: the daemon logged each hook event for ${IFACE} as ignored`, () =>
    waitForDaemonEntries(
      cursor,
      (e) => e.filter((x) => x.VFKEEPER_EVENT === 'hook' && x.NETDEV === IFACE).length >= HOOKS.length,
      `${HOOKS.length} hook events for ${IFACE}`,
      60_000,
    ),
  );
  const facts: S8Facts = { hooks, entries };
  rec.fact('s8', facts);
}
