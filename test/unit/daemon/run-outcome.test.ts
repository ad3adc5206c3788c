// After a run, retry on the back-off or wait for the next event: a run held
// back only by what an operator or the kernel must change waits.
import { describe, expect, it } from 'vitest';
import type { StepRecord } from '../../../src/reconcile/run-entries.js';
import { decideOutcome } from '../../../src/daemon/run-outcome.js';
import { VfkeeperError, type ErrorCode } from '../../../src/model/errors.js';
import type { PciAddress } from '../../../src/model/pci.js';
import type { Refusal } from '../../../src/model/step.js';

const PF = '0000:02:00.0' as PciAddress;
const blocked = (code: ErrorCode): Refusal => ({ kind: 'blocked', pf: PF, code, why: code, hint: 'fix it' });
const step = (result: StepRecord['result'], error?: VfkeeperError): StepRecord => ({
  step: { kind: 'set-numvfs', pf: PF, from: 0, to: 8, why: 'wanted' },
  result,
  message: 'x',
  durationUsec: 1,
  ...(error ? { error } : {}),
});
const report = (over: Partial<Parameters<typeof decideOutcome>[0]>): Parameters<typeof decideOutcome>[0] => ({
  steps: [],
  refusals: [],
  unreadable: [],
  exitStatus: 0,
  ...over,
});

describe('decideOutcome', () => {
  it('a converged or guard-refused run waits for the next event', () => {
    expect(decideOutcome(report({}))).toEqual({ kind: 'ok' });
    expect(
      decideOutcome(
        report({ exitStatus: 3, refusals: [{ kind: 'guard', pf: PF, code: 'ERR_GUARD_VF_IN_USE', why: 'in use', hint: 'stop the VM' }] }),
      ),
    ).toEqual({ kind: 'ok' });
  });

  it('VFs left behind (only a reboot helps) wait for the next event instead of a retry every minute', () => {
    expect(decideOutcome(report({ exitStatus: 1, refusals: [blocked('ERR_STRAY_VFS')] }))).toEqual({ kind: 'ok' });
  });

  it('a failed step, an unreadable PF, an unreachable forwarder or a run that did not converge are retried', () => {
    expect(decideOutcome(report({ exitStatus: 1, steps: [step('failed', new VfkeeperError('ERR_SYSFS_EIO', 'EIO'))] }))).toEqual({
      kind: 'failed',
    });
    expect(decideOutcome(report({ exitStatus: 1, refusals: [blocked('ERR_STRAY_VFS')], steps: [step('failed')] }))).toEqual({
      kind: 'failed',
    });
    expect(decideOutcome(report({ exitStatus: 1, unreadable: [{ pci: PF, error: new VfkeeperError('ERR_OBSERVE', 'gone') }] }))).toEqual({
      kind: 'failed',
    });
    expect(decideOutcome(report({ exitStatus: 1, refusals: [blocked('ERR_FORWARDER_UNREACHABLE'), blocked('ERR_STRAY_VFS')] }))).toEqual({
      kind: 'failed',
    });
    // Waited for (absent, maybe starting) beside a refusal only an operator lifts: still retried.
    const waiting = { ...blocked('ERR_FORWARDER_UNREACHABLE'), kind: 'waiting' as const };
    expect(decideOutcome(report({ exitStatus: 1, refusals: [waiting, blocked('ERR_STRAY_VFS')] }))).toEqual({ kind: 'failed' });
    expect(decideOutcome(report({ exitStatus: 1 }))).toEqual({ kind: 'failed' });
  });

  it('relays waiting on the forwarder, and a change the guard holds while they are unknown, are retried (exit 1 or 3)', () => {
    const waiting: Refusal = { kind: 'waiting', pf: null, code: 'ERR_FORWARDER_PENDING', why: 'no answer', hint: 'wait' };
    const held: Refusal = { kind: 'guard', pf: PF, code: 'ERR_GUARD_RELAYS_UNKNOWN', why: 'relays unknown', hint: 'wait' };
    expect(decideOutcome(report({ exitStatus: 1, refusals: [waiting] }))).toEqual({ kind: 'failed' });
    expect(decideOutcome(report({ exitStatus: 3, refusals: [held, waiting] }))).toEqual({ kind: 'failed' });
    expect(decideOutcome(report({ exitStatus: 3, refusals: [held, blocked('ERR_FORWARDER_UNREACHABLE')] }))).toEqual({ kind: 'failed' });
  });

  it('a sysfs write past its deadline makes the lane stuck, naming the write', () => {
    const hung = step('failed', new VfkeeperError('ERR_SYSFS_TIMEOUT', 'writing sriov_numvfs of 0000:02:00.0 took over 5000 ms'));
    expect(decideOutcome(report({ exitStatus: 1, steps: [hung] }))).toEqual({
      kind: 'stuck',
      message: 'writing sriov_numvfs of 0000:02:00.0 took over 5000 ms',
    });
  });
});
