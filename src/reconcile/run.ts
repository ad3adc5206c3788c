// One reconcile run: observe -> plan -> apply, repeated until the plan is
// empty (converged) or a pass fails, at most MAX_PASSES times. Each pass
// re-reads the world: nothing carried from the plan is trusted after apply.
// The host and the forwarder are read apart (forwarder-read.ts): a pass
// plans with the forwarder's answer if it came, else with the relays
// pending, so the VF work (count, driver, MAC, settings) is applied at once;
// only when nothing else is left does the run wait for the forwarder, and
// at most until forwarder.relay_deadline_ms after its start. While relays
// are unknown, the planner touches nothing a relay may hold.
// Invariants: steps run in plan order (apply-steps.ts: a VF's in order,
// several VFs at once); after a failed step, the later steps of the same PF
// are skipped (they build on it); every step, refusal, start and end is
// logged once, here; a dry run plans one pass and changes nothing.
import { randomUUID } from 'node:crypto';
import type { Forwarder } from '../dataplane/types.js';
import type { EventSource } from '../events/types.js';
import type { Host } from '../host/types.js';
import type { Logger } from '../journal/types.js';
import type { Config } from '../model/config.js';
import { isAbsent } from '../model/errno.js';
import type { Observed } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import { stepPf, type Plan, type Refusal } from '../model/step.js';
import { RefusedSettings } from './refused-settings.js';
import { applyAll, type Refused } from './apply-steps.js';
import { runExitStatus, type RunExitStatus } from './exit-status.js';
import { observeHost, withForwarder, type ObserveResult } from './observe.js';
import { ForwarderRead } from './forwarder-read.js';
import { plan } from '../plan/plan.js';
import { keepRelayNumbers } from './keep-relay-numbers.js';
import { refusalEntry, runEndEntry, runStartEntry, stepEntry, stepMessage, type RunIds, type StepRecord } from './run-entries.js';

const MAX_PASSES = 4;

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
  /** The events behind this run, described (describeEvents). */
  cause?: string | undefined;
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
    ...(options.cause ? { cause: options.cause } : {}),
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
      const host = await observeHost(ctx.host, ctx.config, { hostWide: options.only === undefined, holders: 'count-changes' });
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
      const failed = await applyAll({ ctx, ids, refused }, p.steps, (rec) => record(ctx, ids, records, options, rec));
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

function narrow(p: Plan, only: PciAddress[] | undefined): Plan {
  if (only === undefined) return p;
  const mine = (pf: PciAddress | null) => pf === null || only.includes(pf);
  return {
    ...p,
    steps: p.steps.filter((s) => mine(s.kind === 'detach-relay' || s.kind === 'attach-relay' ? s.pf : stepPf(s))),
    refusals: p.refusals.filter((r) => mine(r.pf)),
  };
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
