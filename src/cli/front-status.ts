// The one job the command line does often and must do fast: `status`, and
// --version. entry.ts tries this first, before the whole command line
// (main.ts) is even loaded: a status the daemon serves costs node's start,
// the control socket and the output; with no daemon, the host is observed
// by status-alone.ts's own CommonJS bundle, with its code cache
// (bench/RESULTS.md 0g, 0h). Anything else returns undefined and is the
// whole command line's job: another command, --help, or bad usage (it says
// what is wrong, exactly as for any command).
import { checkPathOptions } from './check-path-options.js';
import { parseCommandArgs, splitArgv, type SplitArgv } from './parse-options.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';
import { STATUS_USAGE } from './commands/status-output.js';
import { showStatus } from './commands/show-status.js';
import { observeStatusFromBundle } from './status-alone-bundle.js';
import { version } from './version.js';

/** The exit status of `status` or --version, or undefined when the command line is neither. */
export async function frontStatus(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const parsed = await statusRequest(argv, env);
  if (parsed === 'version') return (void process.stdout.write(`vfkeeper ${version()}\n`), 0);
  if (parsed === undefined) return undefined;
  try {
    const ctx = { args: parsed.args, globals: parsed.globals, stdout: process.stdout, stderr: process.stderr, env };
    return await showStatus(ctx, observeStatusFromBundle);
  } catch (e) {
    // The daemon's error, or the host's or configuration's: the same report main.ts would give.
    return reportError(e);
  }
}

/** The parsed command line when it is a well-formed `status`, 'version' for --version; undefined for anything else. */
async function statusRequest(argv: string[], env: NodeJS.ProcessEnv): Promise<SplitArgv | 'version' | undefined> {
  try {
    const parsed = splitArgv(argv, env);
    // main.ts's order: --version before anything else.
    if (parsed.version) return 'version';
    if (parsed.command !== 'status' || parsed.help) return undefined;
    parseCommandArgs(parsed.args, {}, STATUS_USAGE);
    await checkPathOptions(parsed.globals, env);
    return parsed;
  } catch (e) {
    // Bad usage is not dropped: main.ts parses the same command line again and reports it.
    if (e instanceof UsageError) return undefined;
    throw e;
  }
}
