// A Logger that keeps its entries, so tests can assert on the warnings a
// source reported. A real implementation of the port, not a mock.
import type { LogEntry, Logger } from '../../../src/journal/types.js';

export class MemoryLogger implements Logger {
  readonly entries: LogEntry[] = [];

  log(entry: LogEntry): void {
    this.entries.push(entry);
  }

  async flush(): Promise<void> {}

  messages(maxPriority = 7): string[] {
    return this.entries.filter((e) => e.priority <= maxPriority).map((e) => e.message);
  }
}
