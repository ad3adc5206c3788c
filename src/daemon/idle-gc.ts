// Memory back to the host once a burst is over. V8 keeps the heap it grew
// for a burst of runs while the daemon sits idle (measured: RSS stays at its
// post-burst size for as long as it is idle), so a full collection some
// seconds after the last run gives it back (bench/RESULTS.md, section 4).
// The collector is node's --expose-gc, which the unit sets
// (NODE_OPTIONS=--expose-gc ...); without it this does nothing.
// Invariants: at most one collection per quiet period, none while runs keep
// coming (each run pushes it back), none after stop().

export const IDLE_GC_DELAY_MS = 10_000;

export class IdleCollector {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly collect: (() => void) | undefined,
    private readonly delayMs = IDLE_GC_DELAY_MS,
  ) {}

  /** A run just finished: collect once nothing else has run for delayMs. */
  poke(): void {
    if (this.collect === undefined) return;
    this.stop();
    const collect = this.collect;
    this.timer = setTimeout(() => {
      this.timer = null;
      collect();
    }, this.delayMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** node's collector when it was exposed (--expose-gc), else undefined. */
export function exposedGc(): (() => void) | undefined {
  const gc: unknown = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? () => void (gc as () => void)() : undefined;
}
