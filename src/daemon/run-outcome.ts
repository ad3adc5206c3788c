// What the queue does after a run (src/reconcile/queue.ts): 'ok' waits for the
// next event, 'failed' retries on a doubling back-off, 'stuck' waits out the
// longest back-off. Pure.
//
// A run held back only by prerequisites that an operator or the kernel must
// change (VFs left behind until a reboot, no PF driver, IOMMU off, a missing
// socket owner) is not retried on the back-off: retrying cannot help, and it
// would log the same refusal every minute. The events that such a change
// makes (udev, file watches, hooks) and the resync timer re-check it. A
// forwarder that is unreachable or has not answered is retried, and so is
// what waits on it (a count change the guard holds while the relays are
// unknown): it may be starting, and it is not always a systemd unit whose
// start the D-Bus watch would see.
import type { RunOutcome } from '../reconcile/queue.js';
import type { RunReport } from '../reconcile/run.js';

const RETRIED_REFUSALS: ReadonlySet<string> = new Set(['ERR_FORWARDER_UNREACHABLE', 'ERR_FORWARDER_PENDING', 'ERR_GUARD_RELAYS_UNKNOWN']);

export type Outcome = { kind: Exclude<RunOutcome, 'stuck'> } | { kind: 'stuck'; message: string };

export function decideOutcome(report: Pick<RunReport, 'steps' | 'refusals' | 'unreadable' | 'exitStatus'>): Outcome {
  const stuck = report.steps.find((s) => s.error?.code === 'ERR_SYSFS_TIMEOUT');
  if (stuck) return { kind: 'stuck', message: stuck.error?.message ?? '' };
  // Whatever the exit status (a change the guard holds while relays are unknown is 3).
  if (report.refusals.some((r) => RETRIED_REFUSALS.has(r.code))) return { kind: 'failed' };
  if (report.exitStatus !== 1) return { kind: 'ok' };
  const failed = report.steps.some((s) => s.result === 'failed') || report.unreadable.length > 0;
  const blocked = report.refusals.filter((r) => r.kind === 'blocked');
  const waitsOnOperator = !failed && blocked.length > 0;
  return { kind: waitsOnOperator ? 'ok' : 'failed' };
}
