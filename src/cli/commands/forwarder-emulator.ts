// `vfkeeper forwarder-emulator --dir DIR`: an emulated virtio-forwarder on
// ipc://DIR/port_control and ipc://DIR/stats with its vhost-user sockets in
// DIR/sockets, until SIGTERM or SIGINT.
import { ForwarderEmulator } from '../../dataplane/emulator/emulator.js';
import { isVfkeeperError } from '../../model/errors.js';
import type { Command, CommandContext } from '../command.js';

const USAGE = `Usage: vfkeeper forwarder-emulator --dir DIR [--dynamic-sockets]

  Runs an emulated virtio-forwarder until SIGTERM or SIGINT:
  ipc://DIR/port_control   port control (PortControlRequest / PortControlResponse)
  ipc://DIR/stats          statistics (StatsRequest / StatsResponse)
  DIR/sockets/             vhost-user sockets virtio-forwarder<id>.sock, relays 0..59,
                           created at start as the forwarder does in server mode
                           (with --dynamic-sockets: only on ADD_SOCK)
  Relays live in memory: a restart forgets them, as the forwarder does.

  --dir DIR            where the endpoints and sockets go (created if absent)
  --dynamic-sockets    like VIRTIOFWD_DYNAMIC_SOCKETS: no sockets until ADD_SOCK`;

interface EmulatorArgs {
  dir: string;
  dynamicSockets: boolean;
}

export function parseEmulatorArgs(args: string[]): EmulatorArgs | string {
  let dir: string | undefined;
  let dynamicSockets = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--dynamic-sockets') dynamicSockets = true;
    else if (arg === '--dir') dir = args[++i];
    else if (arg.startsWith('--dir=')) dir = arg.slice('--dir='.length);
    else return `unknown argument "${arg}"`;
  }
  if (dir === undefined || dir === '') return '--dir DIR is required';
  return { dir, dynamicSockets };
}

/** Resolves with the signal's name at the first SIGTERM or SIGINT. */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

/**
 * The command, with its stop condition passed in (tests pass their own).
 * `waitStop` is called once the emulator is up, before the endpoints are
 * printed, so whoever waits for that output may signal at once.
 */
export async function runForwarderEmulator(ctx: CommandContext, waitStop: () => Promise<unknown>): Promise<number> {
  const parsed = parseEmulatorArgs(ctx.args);
  if (typeof parsed === 'string') {
    ctx.stderr.write(`vfkeeper forwarder-emulator: ${parsed}\n${USAGE}\n`);
    return 2;
  }
  let emulator: ForwarderEmulator;
  try {
    emulator = new ForwarderEmulator({ dir: parsed.dir, dynamicSockets: parsed.dynamicSockets });
    await emulator.start();
  } catch (e) {
    const hint = isVfkeeperError(e) && e.hint !== undefined ? `\nhint: ${e.hint}` : '';
    ctx.stderr.write(`vfkeeper forwarder-emulator: ${e instanceof Error ? e.message : String(e)}${hint}\n`);
    return 1;
  }
  const stop = waitStop();
  const info = { ...emulator.endpoints, sockets: emulator.socketDir, dynamicSockets: parsed.dynamicSockets, pid: process.pid };
  ctx.stdout.write(
    ctx.globals.json
      ? `${JSON.stringify(info)}\n`
      : `port control: ${info.portControl}\nstats:        ${info.stats}\nsockets:      ${info.sockets}\n`,
  );
  await stop;
  await emulator.stop();
  return 0;
}

export const forwarderEmulatorCommand: Command = {
  name: 'forwarder-emulator',
  usage: USAGE,
  run: (ctx) => runForwarderEmulator(ctx, waitForStopSignal),
};
