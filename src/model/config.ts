// The desired state, as validated by src/config/schema.ts. Plain data.
import type { PciAddress } from './pci.js';
import type { VfSettings } from './vf-settings.js';

export interface PfMatch {
  netdev?: string;
  pci?: PciAddress;
  /** vendor, and device unless any device of the vendor matches. */
  vendor?: number;
  device?: number;
}

export type VfMacs = 'derive' | 'keep' | string[];

export interface PfRule {
  match: PfMatch;
  /** A count, or 'max' = sriov_totalvfs. */
  vfs: number | 'max';
  /** null = leave the MTU alone. */
  mtu: number | null;
  /** 'sriov' = require the SR-IOV firmware build; 'any' = skip the check. */
  firmware: 'sriov' | 'any';
  vfDriver: string;
  vfMacs: VfMacs;
  /** Settings for every VF of the PF (vf_settings). */
  vfSettings: VfSettings;
  /** Settings by VF index, over vfSettings (vf_overrides). */
  vfOverrides: Record<number, VfSettings>;
  /** Where the rule was written ("FILE: pfs[N]"); absent for the built-in default. */
  origin?: string;
}

export type RelayVfRef = { pf: string; index: number } | { pci: PciAddress };

export interface RelayRule {
  virtioId: number;
  vf: RelayVfRef;
}

export interface ForwarderConfig {
  /** false = no relay work at all (no forwarder on this host). */
  enabled: boolean;
  unit: string;
  portControl: string;
  stats: string;
  socketDir: string;
  socketOwner: string;
  /** Per-request deadline, ms. */
  timeoutMs: number;
  /** The forwarder's EnvironmentFile (/etc/default/virtioforwarder): its VIRTIOFWD_STATIC_VFS are left to it. */
  envFile: string;
  /**
   * How long a run's relay part waits for the forwarder's answer, ms. The VF
   * work never waits on it; past this the relays are reported as waiting.
   */
  relayDeadlineMs: number;
}

export interface FirmwareConfig {
  dir: string;
  flavour: string;
  guard: 'warn' | 'fix' | 'off';
}

export interface DaemonConfig {
  resyncSeconds: number;
  /** A sysfs write that has not returned by then marks the PF stuck. */
  writeTimeoutMs: number;
  metricsFile: string | null;
}

export interface Config {
  pfs: PfRule[];
  /**
   * 'auto': VF n on relay n+1; a list: as written; 'observe': hands off (an
   * orchestrator attaches relays): reported, never attached or detached.
   */
  relays: 'auto' | 'observe' | RelayRule[];
  forwarder: ForwarderConfig;
  firmware: FirmwareConfig;
  daemon: DaemonConfig;
  /** Files this configuration was read from, in merge order (empty = built-in defaults). */
  sources: string[];
}

export const NETRONOME_VENDOR = 0x19ee;

export function defaultPfRule(match: PfMatch): PfRule {
  return {
    match,
    vfs: 'max',
    mtu: null,
    firmware: 'sriov',
    vfDriver: 'vfio-pci',
    vfMacs: 'derive',
    vfSettings: {},
    vfOverrides: {},
    origin: 'the built-in rule',
  };
}

/** The embedded default: every Netronome PF, all VFs on vfio-pci, each on a relay number of its own (plan/relay-numbers.ts). */
export function defaultConfig(): Config {
  return {
    pfs: [defaultPfRule({ vendor: NETRONOME_VENDOR })],
    relays: 'auto',
    forwarder: {
      enabled: true,
      unit: 'virtio-forwarder.service',
      portControl: 'ipc:///var/run/virtio-forwarder/port_control',
      stats: 'ipc:///var/run/virtio-forwarder/stats',
      socketDir: '/tmp/virtio-forwarder',
      socketOwner: 'libvirt-qemu:kvm',
      timeoutMs: 2000,
      envFile: '/etc/default/virtioforwarder',
      relayDeadlineMs: 10_000,
    },
    firmware: { dir: '/lib/firmware/netronome', flavour: 'nic-sriov', guard: 'warn' },
    daemon: { resyncSeconds: 300, writeTimeoutMs: 10_000, metricsFile: null },
    sources: [],
  };
}
