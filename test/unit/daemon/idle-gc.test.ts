// The idle collector: one full collection per quiet period after runs.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleCollector, exposedGc } from '../../../src/daemon/idle-gc.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('IdleCollector', () => {
  it('collects once, delayMs after the last of a burst of runs', () => {
    const collect = vi.fn();
    const idle = new IdleCollector(collect, 10_000);
    for (let i = 0; i < 5; i++) {
      idle.poke();
      vi.advanceTimersByTime(3_000);
    }
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(7_000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('does nothing after stop(), nor without a collector', () => {
    const collect = vi.fn();
    const idle = new IdleCollector(collect, 10_000);
    idle.poke();
    idle.stop();
    vi.advanceTimersByTime(20_000);
    expect(collect).not.toHaveBeenCalled();
    expect(() => new IdleCollector(undefined).poke()).not.toThrow();
  });

  it("finds node's collector only when it was exposed", () => {
    const saved = (globalThis as { gc?: unknown }).gc;
    try {
      (globalThis as { gc?: unknown }).gc = undefined;
      expect(exposedGc()).toBeUndefined();
      const gc = vi.fn();
      (globalThis as { gc?: unknown }).gc = gc;
      exposedGc()?.();
      expect(gc).toHaveBeenCalledTimes(1);
    } finally {
      (globalThis as { gc?: unknown }).gc = saved;
    }
  });
});
