// What `status` does, shared by the command (status.ts) and the front
// (front-status.ts): ask the daemon, else observe the host in this process,
// then print. How the observing code is loaded is the caller's: the command
// imports status-alone.ts; the front requires its own bundle of it.
import type { StatusView } from '../../report/status.js';
import type { CommandContext } from '../command.js';
import { askDaemon } from '../daemon-client.js';
import { writeStatus } from './status-output.js';

export type ObserveStatus = (ctx: CommandContext) => Promise<{ view: StatusView; unreadable: string[] }>;

/** The exit status of `status`; `observeAlone` runs only when no daemon answers. */
export async function showStatus(ctx: CommandContext, observeAlone: ObserveStatus): Promise<number> {
  const served = (await askDaemon(ctx.globals, { request: 'status' })) as StatusView | undefined;
  const { view, unreadable } = served !== undefined ? { view: served, unreadable: [] } : await observeAlone(ctx);
  return writeStatus({ stdout: ctx.stdout, stderr: ctx.stderr, json: ctx.globals.json }, view, unreadable);
}
