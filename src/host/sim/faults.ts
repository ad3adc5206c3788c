// Fault injection for the simulated kernel: one general rule instead of a
// hook per scenario. A fault names a sysfs path (exact, or with `*` standing
// for any run of characters within the path), the operation it hits, and
// what the kernel answers: an errno (EBUSY, EIO, ENOMEM...) or a hang (the
// write never returns, as a driver blocking in it). `times` bounds how often
// it fires; without it the fault stays until removed. Faults are part of the
// state file, so a test can arm them for a daemon running as a child.
// Invariants: faults are checked before the kernel's own rules, in order;
// the first that matches fires and, when counted, is used up.
import { sysfsError, type HostError } from '../host-error.js';
import type { SimFault, SimState } from './state.js';

export type FaultAnswer = { kind: 'errno'; error: HostError } | { kind: 'hang' } | null;

/** The fault armed for this access, if any (used up when counted). */
export function takeFault(state: SimState, op: 'read' | 'write', path: string, value?: string): FaultAnswer {
  const faults = state.faults ?? [];
  const i = faults.findIndex((f) => (f.op ?? 'write') === op && pathMatches(f.path, path));
  const fault = faults[i];
  if (fault === undefined) return null;
  if (fault.times !== undefined) {
    if (fault.times <= 1) faults.splice(i, 1);
    else fault.times -= 1;
  }
  if (fault.errno === 'HANG') return { kind: 'hang' };
  return { kind: 'errno', error: sysfsError(op, path, Object.assign(new Error(fault.errno), { code: fault.errno }), value) };
}

/** "bus/pci/devices/*\/sriov_numvfs" matches every PF's count; no other pattern characters. */
export function pathMatches(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path;
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('[^/]*')}$`).test(path);
}

/** Arms a fault on a state (tests and `sim` callers); returns the state for chaining. */
export function armFault(state: SimState, fault: SimFault): SimState {
  (state.faults ??= []).push(fault);
  return state;
}
