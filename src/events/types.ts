// Events only wake the reconciler; they never carry the truth. Each source
// (udev, hooks, systemd, files, timer, start) turns its raw input into one
// of these, and the daemon maps it to a scope for its per-PF queue.
import type { PciAddress } from '../model/pci.js';

/** What woke a run: the journal's VFKEEPER_EVENT. */
export type EventSource = 'start' | 'udev' | 'hook' | 'unit' | 'file' | 'timer' | 'cli';

export type WakeEvent =
  /** A PCI device (PF or VF) was added, removed, bound, unbound or changed. */
  | { source: 'udev'; kind: 'pci'; action: string; pci: PciAddress; driver: string | null; pciId: string | null; physfn: PciAddress | null }
  /** A network interface was added, changed or moved; pci is its device when known. */
  | { source: 'udev'; kind: 'net'; action: string; netdev: string; pci: PciAddress | null }
  /** A dispatcher hook: an interface went up (NetworkManager) or routable/configured (networkd). */
  | { source: 'hook'; kind: 'netdev'; netdev: string; action: string }
  /** The forwarder's unit became active (again): every relay must be re-attached. */
  | { source: 'unit'; kind: 'forwarder-active'; unit: string }
  /** A watched file changed: the configuration, the firmware links, the socket directory, or the forwarder's environment file (its static VFs). */
  | { source: 'file'; kind: 'config' | 'firmware' | 'sockets' | 'forwarder-env'; path: string }
  | { source: 'timer'; kind: 'resync' }
  | { source: 'start'; kind: 'start' }
  | { source: 'cli'; kind: 'reconcile' };
