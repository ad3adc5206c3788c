// Output of a run: cli.md's JSON shape, and lines for a person.
import type { RunReport } from '../reconcile/run.js';
import type { StepRecord } from '../reconcile/run-entries.js';
import { stepTarget, type Refusal } from '../model/step.js';
import type { Config } from '../model/config.js';
import { forwarderStatus, type StatusView } from './status.js';

export interface RunJson {
  run: string;
  steps: Array<{
    kind: string;
    target: string;
    result: string;
    why: string;
    message: string;
    error?: string;
    errno?: string | null;
    hint?: string | null;
    reason?: string;
    duration_usec: number;
  }>;
  refusals: Array<{ kind: string; pf: string | null; code: string; why: string; hint: string }>;
  unreadable: Array<{ pci: string; error: string }>;
  /** The forwarder as the run last saw it (status's shape): `waiting` = relays wait on it. */
  forwarder?: StatusView['forwarder'];
  converged: boolean;
}

export function runJson(report: RunReport, config: Config): RunJson {
  return {
    run: report.run,
    steps: report.steps.map((s) => ({
      kind: s.step.kind,
      target: stepTarget(s.step),
      result: s.result,
      why: s.step.why,
      message: s.message,
      ...(s.error ? { error: s.error.code, errno: s.error.context.errno ?? null, hint: s.error.hint ?? null } : {}),
      ...(s.reason ? { reason: s.reason } : {}),
      duration_usec: s.durationUsec,
    })),
    refusals: report.refusals.map((r) => ({ kind: r.kind, pf: r.pf, code: r.code, why: r.why, hint: r.hint })),
    unreadable: report.unreadable.map((u) => ({ pci: u.pci, error: u.error.message })),
    ...(report.observed ? { forwarder: forwarderStatus(config, report.observed.forwarder) } : {}),
    converged: report.converged,
  };
}

const TAG: Record<StepRecord['result'], string> = { planned: 'plan', ok: 'ok', skipped: 'skip', failed: 'FAIL' };

export function formatStepLine(rec: StepRecord): string {
  const hint = rec.error?.hint ? `\n         hint: ${rec.error.hint}` : '';
  return `  ${TAG[rec.result].padEnd(5)}  ${rec.message}${hint}\n`;
}

/** A refusal, as the run reported it or as the daemon sent it (RunJson). */
export function formatRefusal(r: Pick<Refusal, 'why' | 'hint'> & { kind: string }): string {
  const tag = r.kind === 'guard' ? 'REFUSED' : r.kind === 'warning' ? 'WARN' : r.kind === 'waiting' ? 'WAITING' : 'BLOCKED';
  return `  ${tag.padEnd(7)}  ${r.why}\n         fix: ${r.hint}\n`;
}

/** "Nothing to do" only when nothing stands in the way either: never beside a refusal. */
function formatDryRunEnd(report: RunReport): string {
  if (report.steps.length > 0) return `${report.steps.length} steps planned; nothing was changed.\n`;
  const held = report.refusals.filter((r) => r.kind !== 'warning').length + report.unreadable.length;
  if (held > 0) return 'Nothing planned, and the host is not as configured: see above.\n';
  return 'Nothing to do: the host is as configured.\n';
}

export function formatSummary(report: RunReport, dryRun: boolean): string {
  const lines = report.refusals.map(formatRefusal);
  for (const u of report.unreadable) lines.push(`  FAIL   could not read ${u.pci}: ${u.error.message}\n`);
  const n = (r: StepRecord['result']) => report.steps.filter((s) => s.result === r).length;
  if (dryRun) lines.push(formatDryRunEnd(report));
  else
    lines.push(
      `${n('ok')} steps done, ${n('skipped')} skipped, ${n('failed')} failed; ${report.converged ? 'converged' : 'not converged'}.\n`,
    );
  return lines.join('');
}
