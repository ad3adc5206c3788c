// A run's exit status (docs/cli.md), as one table read top to bottom: the
// first row that holds decides.
//
//   | the run                                               | status |
//   |-------------------------------------------------------|--------|
//   | the configuration is wrong for this host (an override  | 2      |
//   |   for a VF index the PF does not have)                 |        |
//   | a step failed, a prerequisite is missing (blocked),    | 1      |
//   |   or a PF could not be read                            |        |
//   | the workload guard refused                             | 3      |
//   | a dry run (it plans; nothing is left undone by it)     | 0      |
//   | converged                                             | 0      |
//   | anything else (passes ran out before the plan emptied) | 1      |

export type RunExitStatus = 0 | 1 | 2 | 3;

export interface RunOutcomeFacts {
  failedSteps: number;
  /** A blocked refusal or an unreadable PF. */
  blocked: boolean;
  /** A refusal of the workload guard. */
  guarded: boolean;
  /** A refusal only a configuration change can lift (ERR_VF_INDEX). */
  configError?: boolean;
  dryRun: boolean;
  converged: boolean;
}

const TABLE: ReadonlyArray<[(f: RunOutcomeFacts) => boolean, RunExitStatus]> = [
  [(f) => f.configError === true, 2],
  [(f) => f.failedSteps > 0 || f.blocked, 1],
  [(f) => f.guarded, 3],
  [(f) => f.dryRun, 0],
  [(f) => f.converged, 0],
];

export function runExitStatus(facts: RunOutcomeFacts): RunExitStatus {
  return TABLE.find(([holds]) => holds(facts))?.[1] ?? 1;
}
