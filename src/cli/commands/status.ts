// `status`: served by the daemon when it runs (cheap: nothing but the
// control socket is loaded), else observed by this process.
import type { StatusView } from '../../report/status.js';
import { askDaemon } from '../daemon-client.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../parse-options.js';
import { STATUS_USAGE, writeStatus } from './status-output.js';

export const statusCommand: Command = {
  name: 'status',
  usage: STATUS_USAGE,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, STATUS_USAGE);
    const served = (await askDaemon(ctx.globals, { request: 'status' })) as StatusView | undefined;
    const { view, unreadable } =
      served !== undefined ? { view: served, unreadable: [] } : await (await import('./status-alone.js')).observeStatus(ctx);
    return writeStatus({ stdout: ctx.stdout, stderr: ctx.stderr, json: ctx.globals.json }, view, unreadable);
  },
};
