// The options doctor and firmware share: --root DIR (or --root=DIR), --json
// (also a global option), and the command's own flags. Usage errors exit 2.
import type { CommandContext } from '../command.js';
import { asVfkeeperError } from '../../model/errors.js';

export interface RootArgs {
  root: string;
  json: boolean;
  flags: Set<string>;
}

export type ParsedArgs = ({ ok: true } & RootArgs) | { ok: false; error: string };

/** `flags` are the command's own switches, e.g. ["--fix"]. */
export function parseRootArgs(args: readonly string[], flags: readonly string[]): ParsedArgs {
  let root = '/';
  let json = false;
  const seen = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--root' || arg.startsWith('--root=')) {
      const value = arg === '--root' ? args[++i] : arg.slice('--root='.length);
      if (value === undefined || value === '') return { ok: false, error: '--root needs a directory' };
      root = value;
    } else if (arg === '--json') {
      json = true;
    } else if (flags.includes(arg)) {
      seen.add(arg);
    } else {
      return { ok: false, error: `unknown argument "${arg}"` };
    }
  }
  return { ok: true, root, json, flags: seen };
}

export function reportUsageError(ctx: CommandContext, error: string, usage: string): number {
  ctx.stderr.write(`vfkeeper: ${error}\n${usage}\n`);
  return 2;
}

/** A configuration that cannot be loaded: its message and hint on stderr, exit 2. */
export function writeConfigError(ctx: CommandContext, e: unknown): number {
  const err = asVfkeeperError(e, 'ERR_CONFIG');
  ctx.stderr.write(`vfkeeper: ${err.message}\n${err.hint === undefined ? '' : `hint: ${err.hint}\n`}`);
  return 2;
}
