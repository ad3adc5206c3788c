// Whether the host is as configured, and if not, why: the plan for what
// was observed has no step left and refuses nothing. `vfkeeper status
// --json` reports it (what a configuration management run waits for) and
// the metrics carry it per PF. Pure.
import type { Config } from '../model/config.js';
import type { Observed } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import type { Refusal, Step } from '../model/step.js';
import { describeStep } from './describe-step.js';
import { plan } from './plan.js';

export interface Convergence {
  converged: boolean;
  /** One sentence per step still to do or refusal, e.g. "to do: bind 0000:02:08.3 to vfio-pci". */
  reasons: string[];
  /** The PFs with a step to do or a refusal of their own. */
  pfsNotConverged: PciAddress[];
  /** A step or refusal of no one PF (vfio-pci module, sockets, firmware links, the forwarder unreachable). */
  hostWide: boolean;
}

/** The PF a step acts on; null for host-wide steps (module, sockets, firmware links). */
export function stepPf(step: Step): PciAddress | null {
  return 'pf' in step ? step.pf : null;
}

const isBlocking = (r: Refusal): boolean => r.kind !== 'warning';

export function assessConvergence(config: Config, observed: Observed): Convergence {
  const p = plan(config, observed, { force: false });
  const refusals = p.refusals.filter(isBlocking);
  const reasons = [...p.steps.map((s) => `to do: ${describeStep(s).todo}`), ...refusals.map((r) => `refused: ${r.why}`)];
  const concerned = [...p.steps.map(stepPf), ...refusals.map((r) => r.pf)];
  const pfs = new Set(concerned.filter((pf): pf is PciAddress => pf !== null));
  return { converged: reasons.length === 0, reasons, pfsNotConverged: [...pfs].sort(), hostWide: concerned.includes(null) };
}
