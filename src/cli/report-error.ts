// An error as the user sees it, and cli.md's exit status for it: 2 for bad
// usage or configuration, 1 otherwise; each VfkeeperError with its hint.
// Told apart by code, not class: an error from status-alone's bundle is
// made by that bundle's copy of the classes (scripts/bundle.mjs).
import { isConfigError } from '../config/config-error.js';
import { isVfkeeperError } from '../model/errors.js';

export function reportError(e: unknown): number {
  if (isVfkeeperError(e)) {
    process.stderr.write(`vfkeeper: ${e.message}\n${e.hint ? `  ${e.code === 'ERR_USAGE' ? '' : 'hint: '}${e.hint}\n` : ''}`);
    // A configuration error may come from the daemon, as a code: exit 2 all the same;
    // so is a simulated host's state file, named on the command line as --config is.
    return e.code === 'ERR_USAGE' || e.code === 'ERR_SIM_STATE' || isConfigError(e) ? 2 : 1;
  }
  process.stderr.write(`vfkeeper: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}
