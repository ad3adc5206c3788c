// The per-PF queue, driven with real promises: runs are gated by the test,
// back-offs by fake timers; never by sleeps.
import { describe, expect, it, vi } from 'vitest';
import { ALL, createQueue, type RunOutcome } from '../../../src/reconcile/queue.js';
import type { WakeEvent } from '../../../src/events/types.js';

const ev: WakeEvent = { source: 'timer', kind: 'resync' };

/** A runner whose runs finish when the test says so. */
function gatedRunner() {
  const log: string[] = [];
  const open = new Map<string, Array<(o: RunOutcome) => void>>();
  let active = 0;
  let maxActive = 0;
  const run = (key: string, events: WakeEvent[]) =>
    new Promise<RunOutcome>((resolve) => {
      active++;
      maxActive = Math.max(maxActive, active);
      log.push(`start ${key} x${events.length}`);
      const list = open.get(key) ?? [];
      list.push((o) => {
        active--;
        log.push(`end ${key}`);
        resolve(o);
      });
      open.set(key, list);
    });
  const finish = async (key: string, o: RunOutcome = 'ok') => {
    const f = open.get(key)?.shift();
    if (!f) throw new Error(`no run of ${key} in flight; log: ${log.join(', ')}`);
    f(o);
    await new Promise((r) => setImmediate(r));
  };
  return { run, finish, log, maxActive: () => maxActive };
}

describe('createQueue', () => {
  it('coalesces a burst into one run, and events during a run into exactly one more', async () => {
    const g = gatedRunner();
    const q = createQueue({ run: g.run });
    for (let i = 0; i < 1000; i++) q.enqueue('0000:02:00.0', ev);
    await new Promise((r) => setImmediate(r));
    expect(g.log).toEqual(['start 0000:02:00.0 x1']);
    for (let i = 0; i < 56; i++) q.enqueue('0000:02:00.0', ev);
    await g.finish('0000:02:00.0');
    expect(g.log).toEqual(['start 0000:02:00.0 x1', 'end 0000:02:00.0', 'start 0000:02:00.0 x1055']);
    await g.finish('0000:02:00.0');
    await q.idle();
    expect(q.stats()).toEqual({ runs: 2, events: 1056 });
  });

  it('runs different PFs in parallel, never one PF twice at once, and keeps all exclusive', async () => {
    const g = gatedRunner();
    const q = createQueue({ run: g.run });
    q.enqueue('A', ev);
    q.enqueue('B', ev);
    q.enqueue(ALL, ev);
    await new Promise((r) => setImmediate(r));
    expect(g.log).toEqual(['start A x1', 'start B x1']);
    q.enqueue('A', ev);
    await g.finish('A');
    await g.finish('B');
    expect(g.log.slice(4)).toEqual(['start all x1']);
    await g.finish(ALL);
    expect(g.log.slice(-1)).toEqual(['start A x1']);
    await g.finish('A');
    await q.idle();
    expect(g.maxActive()).toBe(2);
  });

  // Back-offs run on fake timers: the test moves the clock, nothing sleeps.
  const tick = () => new Promise((r) => setImmediate(r));

  it('retries a failed run after a back-off that doubles, and at once when news arrives', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const g = gatedRunner();
      const q = createQueue({ run: g.run, retryBaseMs: 1000 });
      q.enqueue('A', ev);
      await tick();
      await g.finish('A', 'failed');
      await vi.advanceTimersByTimeAsync(999);
      expect(g.log).toEqual(['start A x1', 'end A']);
      await vi.advanceTimersByTimeAsync(1);
      expect(g.log.slice(2)).toEqual(['start A x1']);
      await g.finish('A', 'failed');
      // The second failure waits twice as long...
      await vi.advanceTimersByTimeAsync(1999);
      expect(g.log).toHaveLength(4);
      // ...unless an event brings news: then it runs at once.
      q.enqueue('A', ev);
      await tick();
      // The failed run's event is carried into the retry, with the news.
      expect(g.log.slice(4)).toEqual(['start A x2']);
      await g.finish('A', 'ok');
      await q.idle();
    } finally {
      vi.useRealTimers();
    }
  });

  it('runs a failed lane again at once when news arrived while it ran (no back-off for what it could not see)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const g = gatedRunner();
      const q = createQueue({ run: g.run, retryBaseMs: 60_000 });
      q.enqueue(ALL, ev);
      await tick();
      // The forwarder comes back while the run that found it down is still under way.
      q.enqueue(ALL, { source: 'unit', kind: 'forwarder-active', unit: 'virtio-forwarder.service' });
      await g.finish(ALL, 'failed');
      expect(g.log).toEqual(['start all x1', 'end all', 'start all x1']);
      await g.finish(ALL, 'ok');
      await q.idle();
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not hammer a stuck PF: events wait for its back-off, then make one run', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const g = gatedRunner();
      const q = createQueue({ run: g.run, retryBaseMs: 60_000, stuckMaxMs: 60_000 });
      q.enqueue('A', ev);
      await tick();
      await g.finish('A', 'stuck');
      for (let i = 0; i < 10; i++) q.enqueue('A', ev);
      await vi.advanceTimersByTimeAsync(59_999);
      expect(g.log).toEqual(['start A x1', 'end A']);
      await vi.advanceTimersByTimeAsync(1);
      // The ten events and the stuck run's own, in one run.
      expect(g.log.slice(2)).toEqual(['start A x11']);
      await g.finish('A', 'ok');
      await q.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
