// The vitest benches' quick mode (`make bench-quick`, run by `make check`):
// VFK_BENCH_QUICK=1 gives each bench a few iterations and no warm-up time,
// so a change that breaks one fails CI; the figures then mean little.
import type { BenchOptions } from 'vitest';

export const benchOptions: BenchOptions =
  process.env.VFK_BENCH_QUICK === '1' ? { time: 0, iterations: 5, warmupTime: 0, warmupIterations: 1 } : {};
