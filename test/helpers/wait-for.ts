// Waiting for a condition with a deadline, never a bare sleep: the check is
// retried every `intervalMs` until it returns a value other than false or
// undefined, and the error names what was awaited when the deadline passes.
import { setTimeout as delay } from 'node:timers/promises';

export async function waitFor<T>(
  what: string | (() => string),
  deadlineMs: number,
  check: () => Promise<T | false | undefined> | T | false | undefined,
  intervalMs = 25,
): Promise<T> {
  const end = performance.now() + deadlineMs;
  for (;;) {
    const result = await check();
    if (result !== false && result !== undefined) return result;
    if (performance.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await delay(intervalMs);
  }
}
