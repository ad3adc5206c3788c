// cli.md's exit statuses of a run, row by row.
import { describe, expect, it } from 'vitest';
import { runExitStatus, type RunOutcomeFacts } from '../../../src/reconcile/exit-status.js';

const calm: RunOutcomeFacts = { failedSteps: 0, blocked: false, guarded: false, dryRun: false, converged: true };

describe('runExitStatus', () => {
  it.each([
    ['converged', {}, 0],
    ['a step failed', { failedSteps: 1, converged: false }, 1],
    ['a PF blocked', { blocked: true, converged: false }, 1],
    ['a failure outranks a guard refusal', { failedSteps: 1, guarded: true, converged: false }, 1],
    ['the guard refused', { guarded: true, converged: false }, 3],
    ['a dry run that planned steps', { dryRun: true, converged: false }, 0],
    ['a dry run the guard would refuse', { dryRun: true, guarded: true, converged: false }, 3],
    ['passes ran out before the plan emptied', { converged: false }, 1],
  ] as const)('%s -> %i', (_what, facts, status) => {
    expect(runExitStatus({ ...calm, ...facts })).toBe(status);
  });
});
