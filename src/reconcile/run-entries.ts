// Journal entries of a run: one per step (with its structured fields), one
// per refusal, and the run's start and end. Built here, logged once by the
// reconciler: adapters and the planner never log.
import type { EventSource } from '../events/types.js';
import { Priority, type LogEntry } from '../journal/types.js';
import { messageIdFor } from '../journal/message-ids.js';
import type { VfkeeperError } from '../model/errors.js';
import type { Refusal, Step } from '../model/step.js';
import { describeStep } from '../plan/describe-step.js';

export type StepResult = 'planned' | 'ok' | 'skipped' | 'failed';

export interface StepRecord {
  step: Step;
  result: StepResult;
  message: string;
  error?: VfkeeperError;
  reason?: string;
  durationUsec: number;
}

export interface RunIds {
  run: string;
  event: EventSource;
  /** Every source whose events this run took up (a burst coalesced), `event` first. */
  events?: readonly EventSource[];
  /** The events themselves, described (VFKEEPER_CAUSE): why this run started. */
  cause?: string;
}

export function stepMessage(step: Step, result: StepResult, extra: { error?: VfkeeperError; reason?: string; detail?: string }): string {
  const words = describeStep(step, extra.detail);
  if (result === 'ok') return words.done;
  if (result === 'planned') return `Would ${words.todo}: ${step.why}`;
  if (result === 'skipped') return `Skipped: ${words.todo} (${extra.reason ?? 'nothing to do'})`;
  return `Failed to ${words.todo}: ${extra.error?.message ?? 'unknown error'}`;
}

function stepFields(step: Step): Record<string, string | number | null> {
  const f: Record<string, string | number | null> = { VFKEEPER_STEP: step.kind, VFKEEPER_WHY: step.why };
  if ('pf' in step && step.pf) f['PCI_SLOT'] = step.pf;
  if ('vf' in step && step.vf) f['VF_PCI_SLOT'] = step.vf;
  if ('netdev' in step) f['NETDEV'] = step.netdev;
  if ('virtioId' in step) f['VIRTIO_ID'] = step.virtioId;
  if (step.kind === 'chown-socket') f['SOCKET_PATH'] = step.path;
  if (step.kind === 'repoint-firmware-link') f['FIRMWARE_LINK'] = `${step.dir}/${step.name}`;
  return f;
}

/** The catalog key's last part: the errno the kernel answered a sysfs write with (EBUSY...), else the error code. */
function causeOf(e: VfkeeperError): string {
  return e.code === `ERR_SYSFS_${e.context.errno ?? ''}` ? (e.context.errno ?? e.code) : e.code;
}

export function stepEntry(ids: RunIds, rec: StepRecord): LogEntry {
  const key = ['step', rec.step.kind, rec.result, ...(rec.error ? [causeOf(rec.error)] : [])].join('.');
  const priority = rec.result === 'failed' ? Priority.err : rec.result === 'ok' ? Priority.notice : Priority.info;
  return {
    priority,
    message: rec.message,
    messageId: messageIdFor(key),
    fields: {
      VFKEEPER_RUN: ids.run,
      VFKEEPER_EVENT: ids.event,
      ...stepFields(rec.step),
      VFKEEPER_RESULT: rec.result,
      ERRNO: rec.error?.context.errno,
      VFKEEPER_ERROR: rec.error?.code,
      VFKEEPER_HINT: rec.error?.hint,
      DURATION_USEC: rec.durationUsec,
    },
  };
}

/** The catalog key of a refusal: its own where the catalog explains its code, else its kind's. */
function refusalKey(r: Refusal): string {
  if (r.code === 'ERR_FORWARDER_UNREACHABLE') return 'forwarder.unreachable';
  if (r.code === 'ERR_FORWARDER_PENDING') return 'forwarder.waiting';
  if (r.code === 'ERR_FIRMWARE_LINKS') return 'firmware-link.wrong';
  if (r.code === 'ERR_VF_SETTING_UNSUPPORTED') return 'vf-setting.unsupported';
  return r.kind === 'guard' ? `refusal.guard.${r.code}` : r.kind === 'warning' ? `refusal.warning.${r.code}` : `refusal.blocked.${r.code}`;
}

const RESULT_OF_KIND: Record<Refusal['kind'], string> = { guard: 'refused', warning: 'warning', waiting: 'waiting', blocked: 'failed' };

export function refusalEntry(ids: RunIds, r: Refusal): LogEntry {
  const key = refusalKey(r);
  return {
    // A PF waiting for its driver or for udev is a state, not a failure; a
    // forwarder that does not answer is worth a look.
    priority:
      r.kind === 'blocked' ? Priority.err : r.kind === 'waiting' && r.code !== 'ERR_FORWARDER_PENDING' ? Priority.info : Priority.warning,
    message: r.why,
    messageId: messageIdFor(key),
    fields: {
      VFKEEPER_RUN: ids.run,
      VFKEEPER_EVENT: ids.event,
      VFKEEPER_RESULT: RESULT_OF_KIND[r.kind],
      VFKEEPER_ERROR: r.code,
      VFKEEPER_HINT: r.hint,
      PCI_SLOT: r.pf,
      VIRTIO_ID: r.virtioId,
    },
  };
}

export function runStartEntry(ids: RunIds, scope: string, dryRun: boolean): LogEntry {
  // Events coalesced into one run all woke it: a forwarder restart is its
  // unit turning active and its sockets reappearing, whichever came first.
  const sources = [...new Set([ids.event, ...(ids.events ?? [])])];
  return {
    priority: Priority.info,
    message: `Reconcile run ${ids.run.slice(0, 8)} started (${scope}, woken by ${sources.join(' and ')}${dryRun ? ', dry run' : ''})`,
    messageId: messageIdFor('run.start'),
    fields: {
      VFKEEPER_RUN: ids.run,
      VFKEEPER_EVENT: ids.event,
      VFKEEPER_EVENTS: sources.length > 1 ? sources.join(' ') : undefined,
      VFKEEPER_CAUSE: ids.cause,
      VFKEEPER_SCOPE: scope,
    },
  };
}

export function runEndEntry(
  ids: RunIds,
  s: {
    done: number;
    failed: number;
    refused: number;
    waiting?: number;
    /** The relays wait on a forwarder that has not answered (pending), or is not started yet (absent). */
    relaysWaiting?: 'pending' | 'absent';
    converged: boolean;
    durationUsec: number;
  },
): LogEntry {
  // Only waiting for the kernel, udev or a forwarder starting (a PF going
  // away, coming back, being renamed; boot): quiet. A forwarder that took
  // the query and does not answer is worth a look.
  const pending = s.relaysWaiting === 'pending';
  const waits = [
    ...((s.waiting ?? 0) > 0 ? [`${s.waiting ?? 0} PF${s.waiting === 1 ? '' : 's'} to settle`] : []),
    ...(s.relaysWaiting === 'absent' ? ['virtio-forwarder to start'] : []),
  ];
  const waitsOnly = !s.converged && s.failed === 0 && s.refused === 0 && !pending && waits.length > 0;
  const state = s.converged
    ? 'converged'
    : waitsOnly
      ? `waiting for ${waits.join(' and ')}`
      : pending
        ? 'not converged: the relays are waiting on the forwarder'
        : 'not converged';
  return {
    priority: s.failed > 0 ? Priority.err : s.converged || waitsOnly ? Priority.info : Priority.warning,
    message: `Reconcile run ${ids.run.slice(0, 8)} finished: ${s.done} steps done, ${s.failed} failed, ${s.refused} refused, ${state}`,
    messageId: messageIdFor('run.end'),
    fields: {
      VFKEEPER_RUN: ids.run,
      VFKEEPER_EVENT: ids.event,
      VFKEEPER_STEPS_DONE: s.done,
      VFKEEPER_STEPS_FAILED: s.failed,
      VFKEEPER_CONVERGED: s.converged ? 1 : 0,
      DURATION_USEC: s.durationUsec,
    },
  };
}
