// `status`: served by the daemon when it runs (cheap: nothing but the
// control socket is loaded), else observed by this process. The front
// (front-status.ts) answers a well-formed `status` before this is loaded;
// this is the whole command line's own, for --help and for main.ts called
// directly.
import type { Command } from '../command.js';
import { parseCommandArgs } from '../parse-options.js';
import { STATUS_USAGE } from './status-output.js';
import { showStatus } from './show-status.js';

export const statusCommand: Command = {
  name: 'status',
  usage: STATUS_USAGE,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, STATUS_USAGE);
    return showStatus(ctx, async (c) => (await import('./status-alone.js')).observeStatus(c));
  },
};
