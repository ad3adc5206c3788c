// What the metrics textfile says, accumulated run by run in the daemon:
// counters (runs, steps), and per PF the outcome of the last run that
// covered it (failing, refusals waiting for an operator, last success) and
// the gauges of the last observation. A run for one PF updates that PF
// only; a run for the whole host also forgets PFs that are gone.
import type { Config } from '../model/config.js';
import type { PciAddress } from '../model/pci.js';
import { assessConvergence, stepPf } from '../plan/convergence.js';
import type { RunReport } from '../reconcile/run.js';
import { measurePfGauges, type PfGauges } from './pf-gauges.js';

export interface PfOutcome {
  /** The last run for it had a failed step, or could not read it. */
  failing: boolean;
  /** Refusals (workload guard, stray VFs, firmware, stuck) of the last run for it. */
  refusals: number;
  /** When a run last found it converged (seconds since the epoch). */
  lastSuccess: number | null;
}

export interface MetricsState {
  runs: Map<string, number>;
  steps: Map<string, number>;
  lastSuccess: number | null;
  last: RunReport | null;
  pfs: Map<PciAddress, PfOutcome>;
  gauges: PfGauges;
}

export function createMetricsState(): MetricsState {
  return {
    runs: new Map(),
    steps: new Map(),
    lastSuccess: null,
    last: null,
    pfs: new Map(),
    gauges: { vfsWanted: new Map(), relaysWanted: new Map(), relaysAttached: new Map() },
  };
}

export interface RunScope {
  config: Config;
  /** The PFs the run was for; null: the whole host. */
  only: PciAddress[] | null;
}

const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1);

export function recordRun(state: MetricsState, report: RunReport, nowSeconds: number, scope: RunScope): void {
  bump(state.runs, report.converged ? 'converged' : report.exitStatus === 3 ? 'refused' : 'failed');
  for (const s of report.steps) bump(state.steps, `kind="${s.step.kind}",result="${s.result}"`);
  if (report.converged) state.lastSuccess = nowSeconds;
  if (!report.observed) return;
  state.last = report;
  state.gauges = measurePfGauges(scope.config, report.observed);
  const seen = report.observed.pfs.map((pf) => pf.pci).filter((pci) => state.gauges.vfsWanted.has(pci));
  if (scope.only === null) for (const pci of state.pfs.keys()) if (!seen.includes(pci)) state.pfs.delete(pci);
  const convergence = assessConvergence(scope.config, report.observed);
  for (const pci of scope.only ?? seen) {
    if (!seen.includes(pci)) continue;
    const failing =
      report.steps.some((s) => s.result === 'failed' && stepPf(s.step) === pci) || report.unreadable.some((u) => u.pci === pci);
    const refusals = report.refusals.filter((r) => r.kind !== 'warning' && r.pf === pci).length;
    const converged = !failing && !convergence.hostWide && !convergence.pfsNotConverged.includes(pci);
    const lastSuccess = converged ? nowSeconds : (state.pfs.get(pci)?.lastSuccess ?? null);
    state.pfs.set(pci, { failing, refusals, lastSuccess });
  }
}
