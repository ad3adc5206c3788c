import { VfkeeperError } from '../../../../src/model/errors.js';

/** What the image's launcher passes a scenario (from vfkeeper.* kernel parameters). */
export interface ScenarioEnv {
  scenario: string;
  /** VFs the emulated PF offers (its sriov_totalvfs). */
  vfs: number;
  resultsDir: string;
  projectDir: string;
}

function readVariable(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new VfkeeperError('ERR_E2E_ENV', `${name} is not set`, { hint: 'scenarios run from test/e2e/guest/entry.sh inside the guest' });
  }
  return value;
}

export function parseScenarioEnv(env: NodeJS.ProcessEnv): ScenarioEnv {
  const vfsText = readVariable(env, 'VFKEEPER_E2E_VFS');
  const vfs = Number(vfsText);
  if (!Number.isInteger(vfs) || vfs < 1 || vfs > 127) {
    throw new VfkeeperError('ERR_E2E_ENV', `VFKEEPER_E2E_VFS must be 1..127, not '${vfsText}'`);
  }
  return {
    scenario: readVariable(env, 'VFKEEPER_E2E_SCENARIO'),
    vfs,
    resultsDir: readVariable(env, 'VFKEEPER_E2E_RESULTS'),
    projectDir: readVariable(env, 'VFKEEPER_E2E_PROJECT'),
  };
}
