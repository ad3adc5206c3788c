// `vfkeeper hook networkmanager IFACE ACTION` / `vfkeeper hook networkd STATE`:
// the dispatcher entry. It hands the event to the daemon and returns at
// once; with no daemon it reconciles that PF itself, under the run lock.
// Interfaces that are not managed PFs return 0 at once.
import { observe } from '../../reconcile/observe.js';
import { reconcile } from '../../reconcile/run.js';
import { formatAcceptedHook, formatIgnoredHook, parseHookInvocation } from '../../events/hooks.js';
import type { Command, CommandContext } from '../command.js';
import { openRunContext } from '../compose.js';
import { askDaemon } from '../daemon-client.js';
import { withRunLock } from '../run-lock.js';
import { hostStateFor } from '../host-state.js';
import { UsageError } from '../usage-error.js';

const usage = `Usage: vfkeeper hook networkmanager IFACE ACTION
       vfkeeper hook networkd STATE        (IFACE in the environment)

  For /etc/NetworkManager/dispatcher.d and networkd-dispatcher: an interface
  coming up (up, pre-up; routable, configured) wakes vfkeeper for its PF.`;

async function actAlone(ctx: CommandContext, netdev: string, action: string): Promise<number> {
  return withRunLock(hostStateFor(ctx.globals, ctx.env).lockFile, async () => {
    const run = await openRunContext(ctx);
    try {
      const { observed } = await observe(run.host, run.config, null);
      const pf = observed.pfs.find((p) => p.netdev === netdev);
      if (!pf) {
        run.logger.log(formatIgnoredHook(netdev, action, `${netdev} is not a managed PF`));
        return 0;
      }
      run.logger.log(formatAcceptedHook(netdev, action, pf.pci));
      const report = await reconcile(run, { event: 'hook', only: [pf.pci] });
      return report.exitStatus;
    } finally {
      await run.close();
    }
  });
}

export const hookCommand: Command = {
  name: 'hook',
  usage,
  async run(ctx) {
    const parsed = parseHookInvocation(ctx.args, ctx.env);
    if (parsed.kind === 'error') throw new UsageError(parsed.error.message, parsed.error.hint ?? usage);
    if (parsed.kind === 'ignored') return 0;
    const { netdev, action } = parsed.event;
    const reply = await askDaemon(ctx.globals, { request: 'hook', netdev, action, source: parsed.dispatcher }, 10_000);
    if (reply !== undefined) return 0;
    return actAlone(ctx, netdev, action);
  },
};
