// A RelayState from the forwarder's stats as the core's ObservedRelay. Pure.
import type { ObservedRelay, RelayCounters } from '../../model/observed.js';
import { isPciAddress, parsePciAddress } from '../../model/pci.js';
import { VF_TO_VM_COUNTERS, VF_TO_VM_RATES, VM_TO_VF_COUNTERS, VM_TO_VF_RATES } from '../proto/codec-stats.js';
import type { RelayState } from '../proto/messages.js';

/**
 * Counters keep the protocol's field names (they are unique across the two
 * directions); a counter the forwarder did not send (its side inactive) is
 * absent rather than zero. A VF named by something other than a PCI address
 * (a bond's name) leaves `vf` null.
 */
export function parseObservedRelay(state: RelayState): ObservedRelay {
  const pciText = state.vf?.pci_addr_str;
  const vf = pciText !== undefined && isPciAddress(pciText) ? parsePciAddress(pciText) : null;
  return {
    virtioId: state.id,
    vf,
    vfState: state.vf_to_vm.internal_state,
    vmState: state.vm_to_vf.internal_state,
    vmConnected: state.vm_to_vf.active,
    socket: state.vhost.vhost_socket_name,
    counters: parseRelayCounters(state),
  };
}

export function parseRelayCounters(state: RelayState): RelayCounters {
  const counters: RelayCounters = {};
  for (const k of [...VF_TO_VM_COUNTERS, ...VF_TO_VM_RATES]) {
    const v = state.vf_to_vm[k];
    if (v !== undefined) counters[k] = v;
  }
  for (const k of [...VM_TO_VF_COUNTERS, ...VM_TO_VF_RATES]) {
    const v = state.vm_to_vf[k];
    if (v !== undefined) counters[k] = v;
  }
  return counters;
}
