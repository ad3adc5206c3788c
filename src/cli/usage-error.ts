import { VfkeeperError } from '../model/errors.js';

/** Bad command-line usage: exit 2, with the usage line as the hint. */
export class UsageError extends VfkeeperError {
  constructor(message: string, usage?: string) {
    super('ERR_USAGE', message, { hint: usage });
    this.name = 'UsageError';
  }
}
