// The harness of the per-check tests: each test gets a fresh fixture root
// set up as the guide says (made before it, removed after), changes one
// thing, and looks at one check of the doctor's report.
import { runDoctor } from '../../../src/doctor/run-doctor.js';
import type { CheckId, CheckResult, DoctorInputs } from '../../../src/doctor/types.js';
import { inputsFor, useFixtureRoot, writeGuideHost, type FixtureRoot } from './fixture-host.js';

/** Runs the doctor on `inputs` and returns check `id`'s result. */
export async function runCheck(inputs: DoctorInputs, id: CheckId): Promise<CheckResult> {
  const found = (await runDoctor(inputs)).checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no ${id} in the report`);
  return found;
}

export interface GuideHost extends FixtureRoot {
  /** Runs the doctor on the root (inputsFor's defaults, `over` in their place) and returns check `id`'s result. */
  check(id: CheckId, over?: Partial<DoctorInputs>): Promise<CheckResult>;
}

/** Registers the hooks that give each test of the calling file or describe block a fresh guide host. */
export function useGuideHost(): GuideHost {
  const fixture = useFixtureRoot(writeGuideHost);
  return {
    get root() {
      return fixture.root;
    },
    check: (id, over = {}) => runCheck(inputsFor(fixture.root, over), id),
  };
}
