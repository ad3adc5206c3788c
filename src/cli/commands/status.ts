// `status`: served by the daemon when it runs (cheap: nothing but the
// control socket is loaded), else observed by this process.
import type { StatusView } from '../../report/status.js';
import { askDaemon } from '../daemon-client.js';
import type { Command } from '../command.js';
import { formatStatus } from '../../report/format-status.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper status [--json]

  PFs, VFs, drivers, IOMMU groups, MACs, relays and socket owners: the whole chain.`;

export const statusCommand: Command = {
  name: 'status',
  usage,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, usage);
    const served = (await askDaemon(ctx.globals, { request: 'status' })) as StatusView | undefined;
    const { view, unreadable } =
      served !== undefined ? { view: served, unreadable: [] } : await (await import('./status-alone.js')).observeStatus(ctx);
    ctx.stdout.write(ctx.globals.json ? `${JSON.stringify(view, null, 2)}\n` : formatStatus(view));
    for (const u of unreadable) ctx.stderr.write(`vfkeeper: ${u}\n`);
    return unreadable.length > 0 ? 1 : 0;
  },
};
