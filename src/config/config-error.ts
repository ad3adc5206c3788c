import { VfkeeperError } from '../model/errors.js';

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
