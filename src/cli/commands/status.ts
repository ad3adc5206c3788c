import { observe } from '../../core/observe.js';
import { buildStatus, type StatusView } from '../../core/status.js';
import { pauseFile, readPauseState } from '../../daemon/pause-state.js';
import { askDaemon } from '../daemon-client.js';
import type { Command } from '../command.js';
import { openRunContext } from '../compose.js';
import { formatStatus } from '../format-status.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper status [--json]

  PFs, VFs, drivers, IOMMU groups, MACs, relays and socket owners: the whole chain.`;

export const statusCommand: Command = {
  name: 'status',
  summary: 'PFs, VFs, drivers, MACs and relays: the whole chain',
  usage,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, usage);
    const served = (await askDaemon(ctx.globals, { request: 'status' })) as StatusView | undefined;
    if (served !== undefined) {
      ctx.stdout.write(ctx.globals.json ? `${JSON.stringify(served, null, 2)}\n` : formatStatus(served));
      return 0;
    }
    const run = await openRunContext(ctx, { logs: false });
    try {
      const { observed, unreadable } = await observe(run.host, run.config, run.forwarder);
      const view = buildStatus(run.config, observed, await readPauseState(pauseFile(ctx.env)));
      ctx.stdout.write(ctx.globals.json ? `${JSON.stringify(view, null, 2)}\n` : formatStatus(view));
      for (const u of unreadable) ctx.stderr.write(`vfkeeper: could not read ${u.pci}: ${u.error.message}\n`);
      return unreadable.length > 0 ? 1 : 0;
    } finally {
      await run.close();
    }
  },
};
