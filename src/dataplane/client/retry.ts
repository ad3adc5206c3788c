// Bounded retries with exponential back-off, for requests that are safe to
// repeat. The caller decides what is retryable; the last error is thrown.
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Further attempts after the first one (0 = no retry). */
  retries: number;
  /** Wait before the first retry; doubled for each further one. */
  backoffMs: number;
}

export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy, isRetryable: (e: unknown) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= policy.retries || !isRetryable(e)) throw e;
      await sleep(policy.backoffMs * 2 ** i);
    }
  }
}
