// The plan's vocabulary: one kind per action, a discriminated union, so the
// executor record in src/actions must cover every kind (the compiler checks).
import type { PciAddress } from './pci.js';
import type { ErrorCode } from './error-codes.js';

interface Why {
  /** One sentence: why the planner wants this step. */
  why: string;
}

export type Step = Why &
  (
    | { kind: 'set-link-up'; pf: PciAddress; netdev: string }
    | { kind: 'set-mtu'; pf: PciAddress; netdev: string; from: number; to: number }
    | { kind: 'set-autoprobe'; pf: PciAddress; from: boolean; to: boolean }
    | { kind: 'set-numvfs'; pf: PciAddress; from: number; to: number }
    | { kind: 'load-module'; module: string }
    | { kind: 'set-vf-mac'; pf: PciAddress; netdev: string; vf: PciAddress; index: number; from: string | null; to: string }
    | { kind: 'bind-driver'; pf: PciAddress; vf: PciAddress; index: number; from: string | null; to: string }
    | { kind: 'attach-relay'; virtioId: number; vf: PciAddress; pf: PciAddress }
    | { kind: 'detach-relay'; virtioId: number; vf: PciAddress | null; pf: PciAddress | null }
    | { kind: 'chown-socket'; path: string; uid: number; gid: number; owner: string }
    | { kind: 'repoint-firmware-link'; dir: string; name: string; from: string; to: string }
  );

export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

export const STEP_KINDS: readonly StepKind[] = [
  'set-link-up',
  'set-mtu',
  'set-autoprobe',
  'set-numvfs',
  'load-module',
  'set-vf-mac',
  'bind-driver',
  'attach-relay',
  'detach-relay',
  'chown-socket',
  'repoint-firmware-link',
];

/** What a step acts on, as cli.md's `target`: a PCI address, a relay, or a path. */
export function stepTarget(step: Step): string {
  switch (step.kind) {
    case 'set-vf-mac':
    case 'bind-driver':
      return step.vf;
    case 'attach-relay':
    case 'detach-relay':
      return `relay ${step.virtioId}`;
    case 'chown-socket':
      return step.path;
    case 'repoint-firmware-link':
      return `${step.dir}/${step.name}`;
    case 'load-module':
      return step.module;
    default:
      return step.pf;
  }
}

/** The PF a step belongs to (its serial queue), null for host-wide steps. */
export function stepPf(step: Step): PciAddress | null {
  switch (step.kind) {
    case 'load-module':
    case 'chown-socket':
    case 'repoint-firmware-link':
      return null;
    default:
      return step.pf;
  }
}

/**
 * Something the planner will not do, reported instead of a step:
 * `guard` = the workload guard refused (exit 3), `blocked` = a
 * prerequisite is missing (wrong firmware, no PF driver...; exit 1),
 * `warning` = worth knowing but not done by configuration (exit 0: the
 * firmware guard in `warn` mode).
 */
export interface Refusal {
  kind: 'guard' | 'blocked' | 'warning';
  /** The PF concerned; null for host-wide refusals (forwarder, socket owner). */
  pf: PciAddress | null;
  virtioId?: number;
  code: ErrorCode;
  why: string;
  hint: string;
}

export interface Plan {
  steps: Step[];
  refusals: Refusal[];
  /** The relay number record to keep (relays: auto) when it changed; written before any step is applied. */
  relayNumbers?: ReadonlyMap<PciAddress, number>;
}
