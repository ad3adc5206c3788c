// The one job the command line does often and must do fast: `status` when
// the daemon answers it (what operators and scripts run); --version too.
// entry.ts tries this first, before the whole command line (main.ts) is
// even loaded, so a served status costs node's start, the control socket
// and the output (bench/RESULTS.md 0g). Anything else returns undefined and
// is the whole command line's job: another command, --help, bad usage (it
// says what is wrong, exactly as for any command), or no daemon (status
// then reads the host itself).
import type { StatusView } from '../report/status.js';
import { checkPathOptions } from './check-path-options.js';
import { askDaemon } from './daemon-client.js';
import { parseCommandArgs, splitArgv, type SplitArgv } from './parse-options.js';
import { reportError } from './report-error.js';
import { UsageError } from './usage-error.js';
import { STATUS_USAGE, writeStatus } from './commands/status-output.js';
import { version } from './version.js';

/** The exit status of a status the daemon served, or undefined when this is not one. */
export async function serveStatus(argv: string[], env: NodeJS.ProcessEnv): Promise<number | undefined> {
  const parsed = await statusRequest(argv, env);
  if (parsed === 'version') return (void process.stdout.write(`vfkeeper ${version()}\n`), 0);
  if (parsed === undefined) return undefined;
  try {
    const view = (await askDaemon(parsed.globals, { request: 'status' })) as StatusView | undefined;
    if (view === undefined) return undefined;
    return writeStatus({ stdout: process.stdout, stderr: process.stderr, json: parsed.globals.json }, view, []);
  } catch (e) {
    // The daemon answered with an error, or not in its protocol: the same report main.ts would give.
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
