// Waiting for a condition with a deadline, never a bare sleep: the probe is
// retried every `intervalMs` until it returns a value other than undefined,
// null or false (its "not yet"), and that value is returned. When the deadline
// passes the error names what was awaited; `what` may be a function, read only
// then, so it can say what the probe last saw. A probe that throws ends the
// wait with its error (e.g. the process being waited on has died).
import { setTimeout as delay } from 'node:timers/promises';

export type NotYet = undefined | null | false;

export async function waitFor<T>(
  probe: () => T | NotYet | Promise<T | NotYet>,
  what: string | (() => string),
  deadlineMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const end = performance.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (performance.now() > end)
      throw new Error(`timed out after ${deadlineMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await delay(intervalMs);
  }
}
