// The plan's vocabulary: one kind per action, a discriminated union, so the
// executor record in src/actions must cover every kind (the compiler checks).
import type { PciAddress } from './pci.js';
import type { ErrorCode } from './error-codes.js';
import type { TxRate, VfLinkState, VfSettingChange, VfSettingName, VlanSetting } from './vf-settings.js';

interface Why {
  /** One sentence: why the planner wants this step. */
  why: string;
}

/** A VF setting set through its PF's netdev; `driver` is the PF's, named when it refuses the setting. */
interface OnVf {
  pf: PciAddress;
  netdev: string;
  driver: string;
  vf: PciAddress;
  index: number;
}

export type Step = Why &
  (
    | { kind: 'set-link-up'; pf: PciAddress; netdev: string }
    | { kind: 'set-mtu'; pf: PciAddress; netdev: string; from: number; to: number }
    | { kind: 'set-autoprobe'; pf: PciAddress; from: boolean; to: boolean }
    | { kind: 'set-numvfs'; pf: PciAddress; from: number; to: number }
    | { kind: 'load-module'; module: string }
    | { kind: 'set-vf-mac'; pf: PciAddress; netdev: string; vf: PciAddress; index: number; from: string | null; to: string }
    | (OnVf & { kind: 'set-vf-vlan'; from: VlanSetting | null; to: VlanSetting })
    | (OnVf & { kind: 'set-vf-spoofchk'; from: boolean | null; to: boolean })
    | (OnVf & { kind: 'set-vf-trust'; from: boolean | null; to: boolean })
    | (OnVf & { kind: 'set-vf-link-state'; from: VfLinkState | null; to: VfLinkState })
    | (OnVf & { kind: 'set-vf-rate'; from: TxRate | null; to: TxRate })
    | (OnVf & { kind: 'set-vf-query-rss'; from: boolean | null; to: boolean })
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
  'set-vf-vlan',
  'set-vf-spoofchk',
  'set-vf-trust',
  'set-vf-link-state',
  'set-vf-rate',
  'set-vf-query-rss',
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
    case 'set-vf-vlan':
    case 'set-vf-spoofchk':
    case 'set-vf-trust':
    case 'set-vf-link-state':
    case 'set-vf-rate':
    case 'set-vf-query-rss':
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

export type VfSettingStep = StepOf<
  'set-vf-vlan' | 'set-vf-spoofchk' | 'set-vf-trust' | 'set-vf-link-state' | 'set-vf-rate' | 'set-vf-query-rss'
>;

/** The setting a VF-setting step changes, as `ip link set PF vf N` takes it; null for other steps. */
export function vfSettingChangeOf(step: Step): VfSettingChange | null {
  switch (step.kind) {
    case 'set-vf-vlan':
      return { setting: 'vlan', to: step.to };
    case 'set-vf-spoofchk':
      return { setting: 'spoofchk', to: step.to };
    case 'set-vf-trust':
      return { setting: 'trust', to: step.to };
    case 'set-vf-link-state':
      return { setting: 'link_state', to: step.to };
    case 'set-vf-rate':
      return { setting: 'rate', to: step.to };
    case 'set-vf-query-rss':
      return { setting: 'query_rss', to: step.to };
    default:
      return null;
  }
}

export function isVfSettingStep(step: Step): step is VfSettingStep {
  return vfSettingChangeOf(step) !== null;
}

export type { VfSettingName };

/**
 * Something the planner will not do, reported instead of a step:
 * `guard` = the workload guard refused (exit 3), `blocked` = a
 * prerequisite is missing (wrong firmware, no PF driver...; exit 1),
 * `warning` = worth knowing but not done by configuration (exit 0: the
 * firmware guard in `warn` mode), `waiting` = the PF is in a transition the
 * kernel or udev ends by itself (no driver bound yet during a hotplug or a
 * driver reload, its netdev not yet renamed by udev): nothing is done for it
 * now, the event that ends the transition wakes the next run; reported
 * quietly (info), the run is not converged (exit 1).
 */
export interface Refusal {
  kind: 'guard' | 'blocked' | 'warning' | 'waiting';
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
