// Command-line parsing: the global options of cli.md may stand anywhere;
// each command parses its own options strictly (an unknown one is exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { GlobalOptions } from './command.js';
import { UsageError } from './usage-error.js';

const VALUED = new Map([
  ['--config', 'config'],
  ['--sysfs-root', 'sysfsRoot'],
  ['--simulate', 'simulate'],
  ['--control-socket', 'controlSocket'],
] as const);

export interface SplitArgv {
  command: string | undefined;
  args: string[];
  globals: GlobalOptions;
  help: boolean;
  version: boolean;
}

export function splitArgv(argv: string[], env: NodeJS.ProcessEnv): SplitArgv {
  const fromEnv = env['VFKEEPER_CONTROL_SOCKET'];
  const g: GlobalOptions = {
    config: undefined,
    sysfsRoot: undefined,
    simulate: undefined,
    controlSocket: fromEnv ?? '/run/vfkeeper/control.sock',
    controlSocketGiven: fromEnv !== undefined,
    json: false,
  };
  const rest: string[] = [];
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    // After "--" everything is data (hooks pass interface names this way).
    if (arg === '--') {
      rest.push(...argv.slice(i + 1));
      break;
    }
    const [name = '', inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg];
    const key = VALUED.get(name as never);
    if (key) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
      g[key] = value;
      if (key === 'controlSocket') g.controlSocketGiven = true;
    } else if (arg === '--json') g.json = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--version') version = true;
    else rest.push(arg);
  }
  if (g.sysfsRoot === undefined && env['VFKEEPER_SYSFS_ROOT']) g.sysfsRoot = env['VFKEEPER_SYSFS_ROOT'];
  if (g.simulate !== undefined && g.sysfsRoot !== undefined) throw new UsageError('--simulate and --sysfs-root exclude each other');
  return { command: rest[0], args: rest.slice(1), globals: g, help, version };
}

/** Strict per-command parsing; unknown options and missing values are usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  usage: string,
  positionals = 0,
) {
  try {
    const parsed = parseArgs({ args, options, strict: true, allowPositionals: positionals > 0 });
    if (parsed.positionals.length > positionals)
      throw new UsageError(`unexpected argument "${parsed.positionals[positionals] ?? ''}"`, usage);
    return parsed;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message, usage);
  }
}
