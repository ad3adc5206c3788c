// The daemon's work queue: one serial lane per PF, plus 'all' (a full run).
// Invariants:
//  - a lane never runs twice at once; events arriving while it runs make
//    exactly one more run afterwards (bursts coalesce: 56 VF adds, one run);
//  - different PF lanes run in parallel; 'all' excludes every PF lane (it
//    waits for them, and they wait for it), since it touches every PF;
//  - a failed run is retried after a back-off that doubles up to a cap, or
//    at once when news arrives (also news that came during the failed run);
//    a success resets it; a stuck lane (a sysfs write that hung) waits out
//    its back-off whatever events arrive, so a blocked driver is not hammered;
//  - stop() lets runs in flight finish and starts nothing new.
import type { WakeEvent } from '../events/types.js';

export const ALL = 'all';
export type LaneKey = string;
export type RunOutcome = 'ok' | 'failed' | 'stuck';

export interface QueueOptions {
  run: (key: LaneKey, events: WakeEvent[]) => Promise<RunOutcome>;
  retryBaseMs?: number;
  retryMaxMs?: number;
  stuckMaxMs?: number;
}

interface Lane {
  pending: WakeEvent[];
  running: boolean;
  failures: number;
  stuck: boolean;
  timer: NodeJS.Timeout | null;
}

export interface WorkQueue {
  enqueue(key: LaneKey, event: WakeEvent): void;
  /** Resolves when nothing runs and nothing is pending (retries scheduled later do not count). */
  idle(): Promise<void>;
  stop(): Promise<void>;
  stats(): { runs: number; events: number };
}

export function createQueue(options: QueueOptions): WorkQueue {
  const base = options.retryBaseMs ?? 1000;
  const max = options.retryMaxMs ?? 60_000;
  const stuckMax = options.stuckMaxMs ?? 300_000;
  const lanes = new Map<LaneKey, Lane>();
  const waiters: Array<() => void> = [];
  let stopped = false;
  let runs = 0;
  let events = 0;

  const lane = (key: LaneKey): Lane => {
    let l = lanes.get(key);
    if (!l) lanes.set(key, (l = { pending: [], running: false, failures: 0, stuck: false, timer: null }));
    return l;
  };
  const anyRunning = (pred: (k: LaneKey) => boolean) => [...lanes].some(([k, l]) => l.running && pred(k));
  const mayStart = (key: LaneKey) => (key === ALL ? !anyRunning(() => true) : !anyRunning((k) => k === ALL || k === key));

  function pump(): void {
    if (stopped) return settle();
    // 'all' first when it waits, so PF lanes cannot starve it.
    const order = [...lanes.keys()].sort((a, b) => (a === ALL ? -1 : b === ALL ? 1 : 0));
    for (const key of order) {
      const l = lane(key);
      if (l.running || l.pending.length === 0 || l.timer !== null || !mayStart(key)) continue;
      if (key !== ALL && lane(ALL).pending.length > 0 && lane(ALL).timer === null) continue;
      void start(key, l);
    }
    settle();
  }

  async function start(key: LaneKey, l: Lane): Promise<void> {
    const batch = l.pending.splice(0);
    l.running = true;
    runs++;
    let outcome: RunOutcome = 'failed';
    try {
      outcome = await options.run(key, batch);
    } catch {
      outcome = 'failed';
    }
    l.running = false;
    afterRun(l, outcome, batch);
    pump();
  }

  function afterRun(l: Lane, outcome: RunOutcome, batch: WakeEvent[]): void {
    if (outcome === 'ok') {
      l.failures = 0;
      l.stuck = false;
      return;
    }
    l.failures++;
    l.stuck = outcome === 'stuck';
    // News that arrived while the run failed (the forwarder back, a PF bound)
    // is newer than what the run saw: a failed lane runs again at once for
    // it, as for news after the failure. A stuck lane waits its back-off out.
    if (l.pending.length > 0 && !l.stuck) return;
    const delay = Math.min(base * 2 ** (l.failures - 1), l.stuck ? stuckMax : max);
    if (l.pending.length === 0 && batch[0]) l.pending.push(batch[0]);
    if (stopped) return;
    l.timer = setTimeout(() => {
      l.timer = null;
      pump();
    }, delay);
    l.timer.unref();
  }

  function settle(): void {
    const busy = [...lanes.values()].some((l) => l.running || (l.pending.length > 0 && l.timer === null && !stopped));
    if (!busy) waiters.splice(0).forEach((w) => w());
  }

  return {
    enqueue(key, event) {
      if (stopped) return;
      events++;
      const l = lane(key);
      l.pending.push(event);
      // A failed lane retries early on news; a stuck one waits its back-off out.
      if (l.timer !== null && !l.stuck) {
        clearTimeout(l.timer);
        l.timer = null;
      }
      pump();
    },
    idle() {
      return new Promise((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    async stop() {
      stopped = true;
      for (const l of lanes.values()) if (l.timer) clearTimeout(l.timer);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      });
    },
    stats: () => ({ runs, events }),
  };
}
