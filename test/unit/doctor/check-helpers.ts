// The harness of the per-check tests: each test gets a fresh fixture root
// set up as the guide says (made before it, removed after), changes one
// thing, and looks at one check of the doctor's report.
import { afterEach, beforeEach } from 'vitest';
import { runDoctor } from '../../../src/doctor/run-doctor.js';
import type { CheckId, CheckResult, DoctorInputs } from '../../../src/doctor/types.js';
import { inputsFor, makeRoot, removeRoot, writeGuideHost } from './fixture-host.js';

/** Runs the doctor on `inputs` and returns check `id`'s result. */
export async function runCheck(inputs: DoctorInputs, id: CheckId): Promise<CheckResult> {
  const found = (await runDoctor(inputs)).checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no ${id} in the report`);
  return found;
}

export interface GuideHost {
  /** The current test's fixture root. */
  readonly root: string;
  /** Runs the doctor on the root (inputsFor's defaults, `over` in their place) and returns check `id`'s result. */
  check(id: CheckId, over?: Partial<DoctorInputs>): Promise<CheckResult>;
}

/** Registers the guide host's beforeEach/afterEach in the calling file or describe block. */
export function useGuideHost(): GuideHost {
  let current: string | null = null;
  beforeEach(async () => {
    current = await makeRoot();
    await writeGuideHost(current);
  });
  afterEach(async () => {
    if (current !== null) await removeRoot(current);
    current = null;
  });
  const root = (): string => {
    if (current === null) throw new Error('the guide host exists only while a test runs');
    return current;
  };
  return {
    get root() {
      return root();
    },
    check: (id, over = {}) => runCheck(inputsFor(root(), over), id),
  };
}
