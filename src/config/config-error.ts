import { VfkeeperError, isVfkeeperError } from '../model/errors.js';

/** An invalid configuration: names the file, the place in it, and what was expected. CLI exit 2. */
export class ConfigError extends VfkeeperError {
  constructor(file: string, at: string, expected: string) {
    super('ERR_CONFIG', `${file}: ${at ? `${at}: ` : ''}${expected}`, {
      file,
      at,
      hint: 'fix the file (see `man vfkeeper` or the README, section Configuration) and run `vfkeeper reconcile --dry-run`',
    });
    this.name = 'ConfigError';
  }
}

const CONFIG_CODES: ReadonlySet<string> = new Set(['ERR_CONFIG', 'ERR_CONFIG_UDEV_VALUE']);

/** A configuration the user must fix (exit 2): ours, or one a daemon reported by its code. */
export function isConfigError(e: unknown): e is VfkeeperError {
  return isVfkeeperError(e) && CONFIG_CODES.has(e.code);
}
