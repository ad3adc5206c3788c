// A CommandContext whose stdout and stderr are captured, for running a
// command's run() in-process as main.ts would, with main.ts's defaults for
// the global options a test does not set.
import type { CommandContext } from '../../src/cli/command.js';
import { captureStream } from './capture-stream.js';

export interface Captured {
  ctx: CommandContext;
  out: () => string;
  err: () => string;
}

export function capture(args: string[], options: { json?: boolean; tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Captured {
  const stdout = captureStream({ tty: options.tty ?? false });
  const stderr = captureStream();
  const ctx: CommandContext = {
    args,
    globals: {
      config: undefined,
      sysfsRoot: undefined,
      simulate: undefined,
      controlSocket: '/run/vfkeeper/control.sock',
      controlSocketGiven: false,
      json: options.json ?? false,
    },
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
  };
  return { ctx, out: stdout.text, err: stderr.text };
}
