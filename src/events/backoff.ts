// Capped exponential back-off for the sources that restart or reconnect
// (the udevadm child, the D-Bus connection). Pure.

export interface BackoffPolicy {
  /** Delay before the first retry, ms. */
  initialMs: number;
  /** Ceiling for every delay, ms. */
  maxMs: number;
  /** A run that lasted at least this long counts as healthy: the next failure starts again at initialMs. */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, healthyAfterMs: 60_000 };

/** The delay before retry number `attempt` (0 = the first retry after a healthy run). */
export function planBackoffDelay(policy: BackoffPolicy, attempt: number): number {
  const factor = 2 ** Math.min(Math.max(attempt, 0), 30);
  return Math.min(policy.maxMs, policy.initialMs * factor);
}

/**
 * After a run that lasted `ranMs` ended, following `attempt` short runs in a
 * row: how long to wait, and the attempt count to carry to the next failure.
 */
export function planRetry(policy: BackoffPolicy, attempt: number, ranMs: number): { delayMs: number; attempt: number } {
  const current = ranMs >= policy.healthyAfterMs ? 0 : attempt;
  return { delayMs: planBackoffDelay(policy, current), attempt: current + 1 };
}
