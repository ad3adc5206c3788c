// The demo's journal: every entry printed as it happens, for a person
// watching (the daemon logs exactly what it logs to journald).
import type { Writable } from 'node:stream';
import { Priority, type LogEntry, type Logger } from '../journal/types.js';

export class DemoLogger implements Logger {
  private readonly waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];

  constructor(private readonly out: Writable) {}

  log(entry: LogEntry): void {
    if (entry.priority > Priority.info) return;
    const f = entry.fields ?? {};
    const result = f['VFKEEPER_RESULT'];
    const tag =
      f['VFKEEPER_STEP'] !== undefined && typeof result === 'string'
        ? result.padEnd(7)
        : entry.priority <= Priority.warning
          ? 'WARN   '
          : '·      ';
    this.out.write(`  ${tag} ${entry.message}\n`);
    for (const w of [...this.waiters]) {
      if (!w.pattern.test(entry.message)) continue;
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve();
    }
  }

  /** Resolves at the next entry whose message matches (with a deadline). */
  next(pattern: RegExp, deadlineMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo waited ${deadlineMs} ms for "${pattern.source}"`)), deadlineMs);
      this.waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
