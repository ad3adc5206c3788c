// The guest profile's reading (bench/lib/vm-profile.mjs): samples fall into
// the phases the daemon's journal entries mark, and each is counted as
// waiting, GC, node/V8 or a JavaScript function, as a user of
// `make bench-vm BENCH_VM_ARGS=--profile` reads them.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a bench library in plain JavaScript, no declarations
import { readRunMarks, summarizeProfile } from '../../../bench/lib/vm-profile.mjs';

const at = (s: number, text: string) => `[${s.toFixed(6).padStart(12)}] vfkeeper-e2e vfkeeper[1082]: ${text}`;
const JOURNAL = [
  at(10.0, 'Reconcile run aaaa started (all PFs, woken by cli)'),
  at(10.01, 'Reconcile run aaaa finished: 0 steps done, 0 failed, 0 refused, converged'),
  at(20.0, 'Reconcile run f7a2 started (0000:01:00.0, woken by udev)'),
  '[   20.050000] vfkeeper-e2e kernel: nvme nvme0: pci function 0000:01:00.0',
  at(20.1, 'Turned sriov_drivers_autoprobe of 0000:01:00.0 off'),
  at(20.4, 'Set sriov_numvfs of 0000:01:00.0 to 8 (was 0)'),
  at(20.5, 'Bound 0000:01:00.1 to vfio-pci (was unbound)'),
  at(20.6, 'Bound 0000:01:00.2 to vfio-pci (was unbound)'),
  at(20.7, 'Reconcile run f7a2 finished: 4 steps done, 0 failed, 0 refused, converged'),
].join('\n');

/** One sample every 10 ms from 20.0 s: 5 in plan (JS), 5 idle, then GC for the rest of the count, idle after. */
function profile() {
  const nodes = [
    { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
    { id: 2, callFrame: { functionName: 'plan', url: 'file:///usr/lib/vfkeeper/chunk-X.js', lineNumber: 41 } },
    { id: 3, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    { id: 4, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
  ];
  const samples: number[] = [];
  for (let i = 0; i < 70; i++) samples.push(i < 5 ? 2 : i < 10 ? 3 : i < 40 ? 4 : 3);
  return { nodes, startTime: 20_000_000 - 10_000, endTime: 20_700_000, samples, timeDeltas: samples.map(() => 10_000) };
}

describe('vm-profile', () => {
  it('finds the runs that did the PF work, not the converged ones', () => {
    const runs = readRunMarks(JOURNAL) as Array<Record<string, unknown>>;
    expect(runs).toEqual([
      {
        run: 'f7a2',
        pf: '0000:01:00.0',
        start: 20_000_000,
        autoprobe: 20_100_000,
        numvfs: 20_400_000,
        lastBound: 20_600_000,
        end: 20_700_000,
      },
    ]);
  });

  it('splits each phase into JavaScript, waiting and GC', () => {
    const s = summarizeProfile(profile(), JOURNAL);
    expect(s.runs).toBe(1);
    expect(s.intervalMs).toBe(10);
    const [first, count, binds, confirm] = s.phases;
    expect(first).toMatchObject({ wallMs: 100, jsMs: 50, waitingMs: 50, gcMs: 0 });
    expect(first.jsTop).toEqual([['plan chunk-X.js:42', 50]]);
    expect(count).toMatchObject({ wallMs: 300, gcMs: 300, jsMs: 0 });
    expect(binds).toMatchObject({ wallMs: 200, gcMs: 0, waitingMs: 200 });
    expect(confirm).toMatchObject({ wallMs: 100, waitingMs: 100 });
  });
});
