// The simulated kernel's udev-shaped events as WakeEvents, so the daemon
// run against `--simulate` is driven exactly as udev drives it on a host.
import type { KernelEvent, Simulation } from '../host/types.js';
import { parsePciAddress } from '../model/pci.js';
import type { WakeEvent } from './types.js';

export function simEventToWake(e: KernelEvent): WakeEvent | null {
  if (e.subsystem === 'pci') {
    const slot = e.properties['PCI_SLOT_NAME'];
    if (slot === undefined) return null;
    const physfn = e.properties['PHYSFN'];
    return {
      source: 'udev',
      kind: 'pci',
      action: e.action,
      pci: parsePciAddress(slot),
      driver: e.properties['DRIVER'] ? (e.properties['DRIVER'] ?? null) : null,
      pciId: e.properties['PCI_ID'] ?? null,
      physfn: physfn ? parsePciAddress(physfn) : null,
    };
  }
  const netdev = e.properties['INTERFACE'];
  if (netdev === undefined) return null;
  const m = /\/([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\/net\//.exec(e.devpath);
  return { source: 'udev', kind: 'net', action: e.action, netdev, pci: m?.[1] ? parsePciAddress(m[1]) : null };
}

/** Follow a simulated kernel's events; returns the function that stops following. */
export function followSimKernel(simulation: Simulation, emit: (e: WakeEvent) => void): () => void {
  return simulation.follow((e) => {
    const wake = simEventToWake(e);
    if (wake) emit(wake);
  });
}
