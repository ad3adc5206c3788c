// Independent steps that may run together: a stretch of per-VF steps (each
// VF's MAC and settings, then its driver_override, unbind, probe), which one VF after
// another were most of a run's time on a real kernel (bench/RESULTS.md
// section 5). One VF's steps keep their order; different VFs' go together.
// In flight at once: at most VF_CONCURRENCY VFs, since every sysfs
// operation is a round trip through libuv's thread pool (4 threads by
// default): unbounded, 64 binds would queue every other read behind them.
import { isVfSettingStep, type Step, type VfSettingStep } from '../model/step.js';

export const VF_CONCURRENCY = 4;

type VfStep = Extract<Step, { kind: 'set-vf-mac' | 'bind-driver' }> | VfSettingStep;
const isVfStep = (s: Step | undefined): s is VfStep =>
  s !== undefined && (s.kind === 'set-vf-mac' || s.kind === 'bind-driver' || isVfSettingStep(s));

/** The per-VF steps from `at` on, up to the first step of another kind, each VF's in plan order (first VF first). */
export function vfBatchAt(steps: readonly Step[], at: number): { length: number; perVf: VfStep[][] } {
  const perVf = new Map<string, VfStep[]>();
  let end = at;
  for (let s = steps[end]; isVfStep(s); s = steps[++end]) {
    const list = perVf.get(s.vf) ?? [];
    list.push(s);
    perVf.set(s.vf, list);
  }
  return { length: end - at, perVf: [...perVf.values()] };
}

/** `work` for every item, at most `limit` at once, each started in order. */
export async function eachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
