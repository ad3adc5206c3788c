// `status` when no daemon answers: the CLI observes the host itself. Loaded
// only then (configuration, host and forwarder modules cost start-up time
// the daemon-served path does not need).
import { observe } from '../../reconcile/observe.js';
import { buildStatus, type StatusView } from '../../report/status.js';
import { readPauseState } from '../../daemon/pause-state.js';
import { hostStateFor, pauseFileIn } from '../host-state.js';
import type { CommandContext } from '../command.js';
import { openRunContext } from '../compose.js';

/** The status view and what could not be read, from this process's own observation. */
export async function observeStatus(ctx: CommandContext): Promise<{ view: StatusView; unreadable: string[] }> {
  const run = await openRunContext(ctx, { logs: false });
  try {
    const { observed, unreadable } = await observe(run.host, run.config, run.forwarder);
    const view = buildStatus(run.config, observed, await readPauseState(pauseFileIn(hostStateFor(ctx.globals, ctx.env))));
    return { view, unreadable: unreadable.map((u) => `could not read ${u.pci}: ${u.error.message}`) };
  } finally {
    await run.close();
  }
}
