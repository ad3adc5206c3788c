// `vfkeeper pause --reason TEXT` / `vfkeeper resume`: the maintenance switch.
// Through the daemon when it runs; else the state file it reads at start,
// that of the host the command is aimed at (host-state.ts).
import { NOT_PAUSED, writePauseState, type PauseState } from '../../daemon/pause-state.js';
import { hostStateFor, pauseFileIn } from '../host-state.js';
import type { Command, CommandContext } from '../command.js';
import { askDaemon } from '../daemon-client.js';
import { parseCommandArgs } from '../parse-options.js';
import { UsageError } from '../usage-error.js';

const pauseUsage = `Usage: vfkeeper pause --reason TEXT

  While paused, vfkeeper logs events and changes nothing (survives restarts).`;
const resumeUsage = `Usage: vfkeeper resume

  Ends a pause; a full reconcile follows.`;

async function setPause(ctx: CommandContext, state: PauseState): Promise<number> {
  const request = state.paused ? { request: 'pause' as const, reason: state.reason ?? '' } : { request: 'resume' as const };
  const reply = await askDaemon(ctx.globals, request);
  if (reply === undefined) await writePauseState(pauseFileIn(hostStateFor(ctx.globals, ctx.env)), state);
  ctx.stdout.write(ctx.globals.json ? `${JSON.stringify(state)}\n` : state.paused ? `Paused: ${state.reason ?? ''}\n` : 'Resumed.\n');
  return 0;
}

export const pauseCommand: Command = {
  name: 'pause',
  usage: pauseUsage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.args, { reason: { type: 'string' } }, pauseUsage);
    const reason = values.reason?.trim();
    if (!reason) throw new UsageError('pause needs --reason TEXT (it is shown by status and logged)', pauseUsage);
    return setPause(ctx, { paused: true, reason, since: new Date().toISOString() });
  },
};

export const resumeCommand: Command = {
  name: 'resume',
  usage: resumeUsage,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, resumeUsage);
    return setPause(ctx, NOT_PAUSED);
  },
};
