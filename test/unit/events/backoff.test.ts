import { describe, expect, it } from 'vitest';
import { planBackoffDelay, planRetry } from '../../../src/events/backoff.js';

const policy = { initialMs: 500, maxMs: 30_000, healthyAfterMs: 60_000 };

describe('back-off', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([0, 1, 2, 3, 5, 6, 7, 100].map((a) => planBackoffDelay(policy, a))).toEqual([500, 1000, 2000, 4000, 16000, 30000, 30000, 30000]);
  });

  it('grows while runs stay short and starts again after a healthy run', () => {
    let attempt = 0;
    const delays: number[] = [];
    for (const ranMs of [10, 10, 10, 120_000, 10]) {
      const r = planRetry(policy, attempt, ranMs);
      delays.push(r.delayMs);
      attempt = r.attempt;
    }
    expect(delays).toEqual([500, 1000, 2000, 500, 1000]);
  });
});
