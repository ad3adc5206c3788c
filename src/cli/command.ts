// The shape of every subcommand: src/cli/commands/<name>.ts exports one
// Command, and src/cli/commands/index.ts lists them with their one-line
// summaries and loads each on demand. The composition root
// (src/cli/main.ts) parses the global options of cli.md and hands them over.
import type { Writable } from 'node:stream';

export interface GlobalOptions {
  /** --config PATH; undefined = /etc/vfkeeper/vfkeeper.yaml + conf.d, else built-in defaults. */
  config: string | undefined;
  /** --sysfs-root DIR or VFKEEPER_SYSFS_ROOT. */
  sysfsRoot: string | undefined;
  /** --simulate STATE.json */
  simulate: string | undefined;
  /** --control-socket PATH or VFKEEPER_CONTROL_SOCKET, else /run/vfkeeper/control.sock. */
  controlSocket: string;
  /** The control socket was named (flag or environment), not the default. */
  controlSocketGiven: boolean;
  json: boolean;
}

export interface CommandContext {
  /** Arguments after the command name, global options removed. */
  args: string[];
  globals: GlobalOptions;
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  /** Usage line(s) and option list for `vfkeeper NAME --help`. */
  usage: string;
  /** Returns the exit status of cli.md (0, 1, 2 usage/config, 3 guard). */
  run(ctx: CommandContext): Promise<number>;
}
