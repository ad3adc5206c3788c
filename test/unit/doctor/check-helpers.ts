// Runs the doctor on a fixture root and returns one check's result.
import { runDoctor } from '../../../src/doctor/run-doctor.js';
import type { CheckId, CheckResult, DoctorInputs } from '../../../src/doctor/types.js';

export async function runCheck(inputs: DoctorInputs, id: CheckId): Promise<CheckResult> {
  const found = (await runDoctor(inputs)).checks.find((c) => c.id === id);
  if (found === undefined) throw new Error(`no ${id} in the report`);
  return found;
}
