// The end of a run's output: a dry run says "Nothing to do" only when the
// host is as configured, never beside a refusal that keeps it from being so.
import { describe, expect, it } from 'vitest';
import type { PciAddress } from '../../../src/model/pci.js';
import type { Refusal } from '../../../src/model/step.js';
import type { RunReport } from '../../../src/reconcile/run.js';
import { formatSummary } from '../../../src/report/format-run.js';

const report = (refusals: Refusal[]): RunReport => ({
  run: '0c2c3cf0e990458e853a2c94d00edf9a',
  event: 'cli',
  steps: [],
  refusals,
  unreadable: [],
  observed: null,
  converged: false,
  exitStatus: refusals.length > 0 ? 1 : 0,
});
const blocked: Refusal = {
  kind: 'blocked',
  pf: '0000:02:00.0' as PciAddress,
  code: 'ERR_FIRMWARE_NOT_SRIOV',
  why: 'runs nic firmware',
  hint: 'fix the links',
};

describe('formatSummary, dry run', () => {
  it('with nothing in the way and nothing planned: nothing to do', () => {
    expect(formatSummary(report([]), true)).toBe('Nothing to do: the host is as configured.\n');
  });

  it.each([
    ['blocked', blocked],
    ['waiting', { ...blocked, kind: 'waiting', code: 'ERR_NO_PF_DRIVER', why: 'no driver yet' } as Refusal],
  ])('beside a %s refusal: never "nothing to do"', (_kind, refusal) => {
    const out = formatSummary(report([refusal]), true);
    expect(out).not.toContain('Nothing to do');
    expect(out).toContain('Nothing planned, and the host is not as configured: see above.');
    expect(out).toContain(refusal.why);
  });

  it('a warning alone does not keep the host from being as configured', () => {
    expect(formatSummary(report([{ ...blocked, kind: 'warning' }]), true)).toContain('Nothing to do: the host is as configured.');
  });
});
