// A CommandContext whose stdout and stderr are collected, for running a
// command's run() in-process as main.ts would.
import { Writable } from 'node:stream';
import type { CommandContext } from '../../../src/cli/command.js';

export interface Captured {
  ctx: CommandContext;
  out: () => string;
  err: () => string;
}

class Collector extends Writable {
  text = '';
  isTTY: boolean;
  constructor(tty: boolean) {
    super();
    this.isTTY = tty;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (e?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

export function capture(args: string[], options: { json?: boolean; tty?: boolean; env?: NodeJS.ProcessEnv } = {}): Captured {
  const stdout = new Collector(options.tty ?? false);
  const stderr = new Collector(false);
  const ctx: CommandContext = {
    args,
    globals: { config: undefined, sysfsRoot: undefined, simulate: undefined, controlSocket: '/run/vfkeeper/control.sock', controlSocketGiven: false, json: options.json ?? false },
    stdout,
    stderr,
    env: options.env ?? {},
  };
  return { ctx, out: () => stdout.text, err: () => stderr.text };
}
