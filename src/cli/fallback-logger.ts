// PLACEHOLDER until the journal branch lands: <N>-prefixed lines on stderr.
import type { Writable } from 'node:stream';
import type { LogEntry, Logger } from '../journal/types.js';

export function createFallbackLogger(stderr: Writable): Logger {
  return {
    log(entry: LogEntry) {
      stderr.write(`<${entry.priority}>${entry.message}\n`);
    },
    async flush() {},
  };
}
