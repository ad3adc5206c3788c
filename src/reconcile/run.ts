// One reconcile run: observe -> plan -> apply, repeated until the plan is
// empty (converged) or a pass fails, at most MAX_PASSES times. Each pass
// re-reads the world: nothing carried from the plan is trusted after apply.
// The host and the forwarder are read apart (forwarder-read.ts): a pass
// plans with the forwarder's answer if it came, else with the relays
// pending, so the VF work (count, driver, MAC, settings) is applied at once;
// only when nothing else is left does the run wait for the forwarder, and
// at most until forwarder.relay_deadline_ms after its start. While relays
// are unknown, the planner touches nothing a relay may hold.
// Invariants: steps run in plan order, one at a time; after a failed step,
// the later steps of the same PF are skipped (they build on it); every
// step, refusal, start and end is logged once, here; a dry run plans one
// pass and changes nothing.
import { randomUUID } from 'node:crypto';
import { applyStep } from '../actions/index.js';
import { isForwarderGone } from '../dataplane/forwarder-error.js';
import type { Forwarder } from '../dataplane/types.js';
import type { EventSource } from '../events/types.js';
import type { Host } from '../host/types.js';
import type { Logger } from '../journal/types.js';
import type { Config } from '../model/config.js';
import { isAbsent } from '../model/errno.js';
import { asVfkeeperError, type VfkeeperError } from '../model/errors.js';
import type { Observed } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import { isVfSettingStep, stepPf, type Plan, type Refusal, type Step } from '../model/step.js';
import { RefusedSettings, unsupportedEntry, unsupportedReason, unsupportedWarning } from './refused-settings.js';
import { runExitStatus, type RunExitStatus } from './exit-status.js';
import { observeHost, withForwarder, type ObserveResult } from './observe.js';
import { ForwarderRead } from './forwarder-read.js';
import { VF_CONCURRENCY, eachBounded, vfBatchAt } from './step-batches.js';
import { plan } from '../plan/plan.js';
import { keepRelayNumbers } from './keep-relay-numbers.js';
import { refusalEntry, runEndEntry, runStartEntry, stepEntry, stepMessage, type RunIds, type StepRecord } from './run-entries.js';

const MAX_PASSES = 4;
const FORWARDER = 'forwarder';
const isRelayStep = (s: Step): boolean => s.kind === 'attach-relay' || s.kind === 'detach-relay';

export interface RunContext {
  host: Host;
  forwarder: Forwarder | null;
  config: Config;
  logger: Logger;
  /** VF settings drivers refused, kept across runs by a daemon; a run without one starts empty. */
  refusedSettings?: RefusedSettings;
}

export interface RunOptions {
  event: EventSource;
  /** Further sources coalesced into this run (the journal's VFKEEPER_EVENTS). */
  events?: readonly EventSource[];
  dryRun?: boolean;
  force?: boolean;
  /** Only these PFs (a per-PF run); undefined = all. */
  only?: PciAddress[];
  /** Called as each step finishes (progress display). */
  onStep?: (rec: StepRecord) => void;
}

export interface RunReport {
  run: string;
  event: EventSource;
  steps: StepRecord[];
  refusals: Refusal[];
  unreadable: ObserveResult['unreadable'];
  /** The last observation of the run (topology and metrics read it). */
  observed: Observed | null;
  converged: boolean;
  /** cli.md: 0 converged, 1 a step or prerequisite failed, 3 refused by the workload guard. */
  exitStatus: RunExitStatus;
}

export async function reconcile(ctx: RunContext, options: RunOptions): Promise<RunReport> {
  const ids: RunIds = {
    run: randomUUID().replaceAll('-', ''),
    event: options.event,
    ...(options.events ? { events: options.events } : {}),
  };
  const started = process.hrtime.bigint();
  ctx.logger.log(runStartEntry(ids, options.only ? options.only.join(' ') : 'all PFs', options.dryRun === true));
  const records: StepRecord[] = [];
  const refused: Refused = { memory: ctx.refusedSettings ?? new RefusedSettings(), warnings: [] };
  let last: Last = { refusals: [], unreadable: [], empty: false, observed: null };
  const relays = new ForwarderRead(ctx.config, ctx.forwarder);
  try {
    for (let pass = 1; pass <= MAX_PASSES; pass++) {
      // Always observe and plan the whole host (relay numbers depend on every
      // PF); a per-PF run then acts only on its PF and on host-wide steps.
      relays.start();
      const host = await observeHost(ctx.host, ctx.config, { hostWide: options.only === undefined });
      let seen = await withForwarder(ctx.host, host, relays.take());
      let p = await planPass(ctx, options, refused, seen);
      // Nothing to do without the forwarder (or a dry run, which shows the
      // whole plan): now wait for it, alone and bounded, and plan again on
      // the same reading of the host (nothing was changed since).
      if (
        seen.observed.forwarder.reachable === false &&
        seen.observed.forwarder.pending === true &&
        (p.steps.length === 0 || options.dryRun)
      ) {
        seen = await withForwarder(ctx.host, host, await relays.wait());
        p = await planPass(ctx, options, refused, seen);
      }
      last = { refusals: p.refusals, unreadable: seen.unreadable, empty: p.steps.length === 0, observed: seen.observed };
      if (options.dryRun) {
        for (const step of p.steps)
          record(ctx, ids, records, options, { step, result: 'planned', message: stepMessage(step, 'planned', {}), durationUsec: 0 });
        break;
      }
      if (p.steps.length === 0) break;
      const failed = await applyAll(ctx, ids, records, options, p.steps, refused);
      if (failed) break;
    }
  } finally {
    await ctx.host.commit();
  }
  const report = finish(ctx, ids, records, last, options.dryRun === true, started);
  return { ...report, refusals: [...refused.warnings, ...report.refusals] };
}

function planPass(ctx: RunContext, options: RunOptions, refused: Refused, seen: ObserveResult): Promise<Plan> {
  const planned = narrow(
    plan(ctx.config, seen.observed, { force: options.force === true, unsupported: refused.memory.keys }),
    options.only,
  );
  return keepRelayNumbers(ctx.host, planned, options.dryRun === true);
}

/** What applying a plan carries from step to step. */
interface Applying {
  ctx: RunContext;
  ids: RunIds;
  failedPfs: Set<string | null>;
  refused: Refused;
}

interface Refused {
  memory: RefusedSettings;
  /** Warnings already logged in this run (a driver's refusal), reported with the run's refusals. */
  warnings: Refusal[];
}

function narrow(p: Plan, only: PciAddress[] | undefined): Plan {
  if (only === undefined) return p;
  const mine = (pf: PciAddress | null) => pf === null || only.includes(pf);
  return {
    ...p,
    steps: p.steps.filter((s) => mine(s.kind === 'detach-relay' || s.kind === 'attach-relay' ? s.pf : stepPf(s))),
    refusals: p.refusals.filter((r) => mine(r.pf)),
  };
}

async function applyAll(
  ctx: RunContext,
  ids: RunIds,
  records: StepRecord[],
  options: RunOptions,
  steps: StepRecord['step'][],
  refused: Refused,
): Promise<boolean> {
  const failedPfs = new Set<string | null>();
  const a: Applying = { ctx, ids, failedPfs, refused };
  for (let i = 0; i < steps.length;) {
    const vfs = vfBatchAt(steps, i);
    const n = vfs.perVf.length > 1 ? vfs.length : 1;
    const batch = n > 1 ? await applyVfSteps(a, vfs.perVf) : await applyEach(a, steps.slice(i, i + 1));
    // Recorded (journalled) once the batch is done: no journal entry between the writes.
    for (const rec of batch) record(ctx, ids, records, options, rec);
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

function record(ctx: RunContext, ids: RunIds, records: StepRecord[], options: RunOptions, rec: StepRecord): void {
  records.push(rec);
  ctx.logger.log(stepEntry(ids, rec));
  options.onStep?.(rec);
}

/**
 * A PF that could not be read: gone as it was read (removed, its driver
 * unloaded: ENOENT, ENODEV) is a PF going away, waiting for the event that
 * brings it back; any other error blocks it.
 */
function unreadableRefusal(u: ObserveResult['unreadable'][number]): Refusal {
  if (isAbsent(u.error)) {
    return {
      kind: 'waiting',
      pf: u.pci,
      code: u.error.code,
      why: `${u.pci} went away as it was read (removed, or its driver unloaded)`,
      hint: 'nothing to do: its return wakes the next run',
    };
  }
  return {
    kind: 'blocked',
    pf: u.pci,
    code: u.error.code,
    why: `Could not read ${u.pci}: ${u.error.message}`,
    hint: u.error.hint ?? 'the next event or resync retries',
  };
}

interface Last {
  refusals: Refusal[];
  unreadable: ObserveResult['unreadable'];
  empty: boolean;
  observed: Observed | null;
}

function finish(ctx: RunContext, ids: RunIds, steps: StepRecord[], last: Last, dryRun: boolean, started: bigint): RunReport {
  for (const r of last.refusals) ctx.logger.log(refusalEntry(ids, r));
  for (const u of last.unreadable) ctx.logger.log(refusalEntry(ids, unreadableRefusal(u)));
  const failed = steps.filter((s) => s.result === 'failed').length;
  const blocked = last.refusals.some((r) => r.kind === 'blocked') || last.unreadable.length > 0;
  const guarded = last.refusals.some((r) => r.kind === 'guard');
  const refused = last.refusals.filter((r) => r.kind !== 'warning' && r.kind !== 'waiting').length;
  // Relays wait for a forwarder that took the query and has not answered
  // (pending), or for one not started yet (absent, as at boot).
  const relays = last.refusals.find((r) => r.kind === 'waiting' && r.pf === null);
  const relaysWaiting = relays === undefined ? undefined : relays.code === 'ERR_FORWARDER_PENDING' ? 'pending' : 'absent';
  const waitingPfs = last.refusals.filter((r) => r.kind === 'waiting' && r.pf !== null).length;
  const waiting = waitingPfs + (relays ? 1 : 0) + last.unreadable.filter((u) => isAbsent(u.error)).length;
  const converged = !dryRun && failed === 0 && last.empty && refused === 0 && waiting === 0 && last.unreadable.length === 0;
  const convergedOrPlanned = dryRun ? failed === 0 && !blocked && !guarded && steps.length === 0 : converged;
  const configError = last.refusals.some((r) => r.code === 'ERR_VF_INDEX');
  const exitStatus = runExitStatus({ failedSteps: failed, blocked, guarded, configError, dryRun, converged: convergedOrPlanned });
  const durationUsec = Number((process.hrtime.bigint() - started) / 1000n);
  ctx.logger.log(
    runEndEntry(ids, {
      done: steps.filter((s) => s.result === 'ok').length,
      failed,
      refused,
      waiting: waiting - (relays ? 1 : 0),
      ...(relaysWaiting ? { relaysWaiting } : {}),
      converged: convergedOrPlanned,
      durationUsec,
    }),
  );
  return {
    run: ids.run,
    event: ids.event,
    steps,
    refusals: last.refusals,
    unreadable: last.unreadable,
    observed: last.observed,
    converged: convergedOrPlanned,
    exitStatus,
  };
}
