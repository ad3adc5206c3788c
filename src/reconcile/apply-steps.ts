// Applying one pass's plan (run.ts): steps in plan order; a VF's steps in
// order, several VFs at once (step-batches.ts); after a failed step the
// later steps of its PF are skipped (they build on it), and after a
// forwarder that is gone, every later relay step. A setting the driver does
// not implement is a warning remembered across runs, not a failure.
import { applyStep } from '../actions/index.js';
import { isForwarderGone } from '../dataplane/forwarder-error.js';
import type { Forwarder } from '../dataplane/types.js';
import type { Host } from '../host/types.js';
import type { Logger } from '../journal/types.js';
import { asVfkeeperError, type VfkeeperError } from '../model/errors.js';
import { isVfSettingStep, stepPf, type Refusal, type Step } from '../model/step.js';
import { unsupportedEntry, unsupportedReason, unsupportedWarning, type RefusedSettings } from './refused-settings.js';
import { stepMessage, type RunIds, type StepRecord } from './run-entries.js';
import { VF_CONCURRENCY, eachBounded, vfBatchAt } from './step-batches.js';

const FORWARDER = 'forwarder';
const isRelayStep = (s: Step): boolean => s.kind === 'attach-relay' || s.kind === 'detach-relay';

/** What applying a plan carries from step to step. */
export interface ApplyContext {
  ctx: { host: Host; forwarder: Forwarder | null; logger: Logger };
  ids: RunIds;
  refused: Refused;
}

interface Applying extends ApplyContext {
  failedPfs: Set<string | null>;
}

export interface Refused {
  memory: RefusedSettings;
  /** Warnings already logged in this run (a driver's refusal), reported with the run's refusals. */
  warnings: Refusal[];
}

/** Applies one pass's steps; true when one failed. record is called for each, once its batch is done. */
export async function applyAll(context: ApplyContext, steps: Step[], record: (rec: StepRecord) => void): Promise<boolean> {
  const failedPfs = new Set<string | null>();
  const a: Applying = { ...context, failedPfs };
  for (let i = 0; i < steps.length;) {
    const vfs = vfBatchAt(steps, i);
    const n = vfs.perVf.length > 1 ? vfs.length : 1;
    const batch = n > 1 ? await applyVfSteps(a, vfs.perVf) : await applyEach(a, steps.slice(i, i + 1));
    // Recorded (journalled) once the batch is done: no journal entry between the writes.
    for (const rec of batch) record(rec);
    i += n;
  }
  return failedPfs.size > 0;
}

/**
 * Several VFs' steps (MAC, bind) together, at most VF_CONCURRENCY VFs at
 * once, each VF's in order; records in plan order by VF. Each PF's first
 * VF goes alone first: a failure that would hit them all (no IOMMU,
 * vfio-pci missing) fails once and skips its PF's other VFs, as one after
 * another would.
 */
async function applyVfSteps(a: Applying, perVf: Step[][]): Promise<StepRecord[]> {
  const out = new Map<Step[], StepRecord[]>();
  const apply = async (vf: Step[]) => void out.set(vf, await applyEach(a, vf));
  const pfOf = (vf: Step[]) => (vf[0] === undefined ? null : stepPf(vf[0]));
  const firsts = perVf.filter((vf, i) => perVf.findIndex((other) => pfOf(other) === pfOf(vf)) === i);
  await Promise.all(firsts.map(apply));
  await eachBounded(
    perVf.filter((vf) => !out.has(vf)),
    VF_CONCURRENCY,
    apply,
  );
  return perVf.flatMap((vf) => out.get(vf) ?? []);
}

async function applyEach(a: Applying, steps: Step[]): Promise<StepRecord[]> {
  const out: StepRecord[] = [];
  for (const step of steps) out.push(await applyOne(a, step));
  return out;
}

const skipped = (step: Step, reason: string, durationUsec = 0): StepRecord => ({
  step,
  result: 'skipped',
  reason,
  message: stepMessage(step, 'skipped', { reason }),
  durationUsec,
});

/**
 * One step, or its skip when an earlier step of its PF (or the forwarder)
 * failed, or when the driver already refused that VF setting; a failure
 * marks them. A setting the driver does not implement is a warning, logged
 * once per PF, driver and setting (RefusedSettings), not a failure.
 */
async function applyOne(a: Applying, step: Step): Promise<StepRecord> {
  const { ctx, failedPfs, refused } = a;
  const pf = stepPf(step);
  const lane = isRelayStep(step) && failedPfs.has(FORWARDER) ? FORWARDER : pf;
  if (lane !== null && failedPfs.has(lane)) {
    return skipped(step, lane === FORWARDER ? 'the forwarder did not answer an earlier request' : `an earlier step for ${pf} failed`);
  }
  if (isVfSettingStep(step) && refused.memory.has(step)) return skipped(step, unsupportedReason(step));
  const t0 = process.hrtime.bigint();
  try {
    const r = await applyStep(step, { host: ctx.host, forwarder: ctx.forwarder });
    const durationUsec = Number((process.hrtime.bigint() - t0) / 1000n);
    const extra = r.result === 'ok' ? (r.detail === undefined ? {} : { detail: r.detail }) : { reason: r.reason };
    return {
      step,
      result: r.result,
      ...(r.result === 'skipped' ? { reason: r.reason } : {}),
      message: stepMessage(step, r.result, extra),
      durationUsec,
    };
  } catch (e) {
    const error: VfkeeperError = asVfkeeperError(e);
    if (isVfSettingStep(step) && error.code === 'ERR_VF_SETTING_UNSUPPORTED') {
      if (refused.memory.remember(step)) {
        ctx.logger.log(unsupportedEntry(a.ids, step, error));
        refused.warnings.push(unsupportedWarning(step, error));
      }
      return skipped(step, unsupportedReason(step), Number((process.hrtime.bigint() - t0) / 1000n));
    }
    failedPfs.add(pf);
    // One unreachable forwarder is enough to know: do not wait out a deadline per relay.
    if (isRelayStep(step) && isForwarderGone(error)) failedPfs.add(FORWARDER);
    const durationUsec = Number((process.hrtime.bigint() - t0) / 1000n);
    return { step, result: 'failed', error, message: stepMessage(step, 'failed', { error }), durationUsec };
  }
}
