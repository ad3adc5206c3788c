// The options doctor and firmware share: --root DIR (or --root=DIR), --json
// (also a global option), and the command's own flags. Usage errors exit 2.
import type { CommandContext, GlobalOptions } from '../command.js';
import { defaultConfig, type Config } from '../../model/config.js';
import { asVfkeeperError } from '../../model/errors.js';
import { parseCommandArgs } from '../parse-options.js';
import { requirePath } from '../check-path-options.js';

export interface RootArgs {
  root: string;
  json: boolean;
  flags: Set<string>;
}

export type ParsedArgs = ({ ok: true } & RootArgs) | { ok: false; error: string };

/** `flags` are the command's own switches, e.g. ["--fix"]; parsed as every command's options are. */
export function parseRootArgs(args: readonly string[], flags: readonly string[]): ParsedArgs {
  const own = Object.fromEntries(flags.map((f) => [f.replace(/^--/, ''), { type: 'boolean' as const }]));
  try {
    const { values } = parseCommandArgs([...args], { root: { type: 'string' }, json: { type: 'boolean' }, ...own }, '');
    const v = values as Record<string, string | boolean | undefined>;
    if (v['root'] === '') return { ok: false, error: '--root needs a directory' };
    const root = typeof v['root'] === 'string' ? v['root'] : '/';
    return { ok: true, root, json: v['json'] === true, flags: new Set(flags.filter((f) => v[f.replace(/^--/, '')] === true)) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Why --root DIR cannot be used (it does not exist, or is not a directory); null when it can. */
export async function findRootProblem(root: string): Promise<string | null> {
  try {
    await requirePath({ name: '--root', path: root, kind: 'directory', what: "a directory holding the host's files" });
    return null;
  } catch (e) {
    return asVfkeeperError(e).message;
  }
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

/** The configuration (built-in defaults without a loader), or exit status 2 with the error written. */
export async function loadCommandConfig(
  ctx: CommandContext,
  load: ((globals: GlobalOptions) => Promise<Config>) | undefined,
): Promise<Config | number> {
  try {
    return load ? await load(ctx.globals) : defaultConfig();
  } catch (e) {
    return writeConfigError(ctx, e);
  }
}
