// Synthetic packet counters for the emulated forwarder, computed from the
// clock when read (no timers): packets move VF -> VM and VM -> VF while both
// sides are up; with a VM but no VF the VM's packets are dropped as
// "VF not connected"; with a VF but no VM nothing moves, as the forwarder
// keeps the VF stopped until a VM connects. Counters only ever grow.
import { VF_TO_VM_COUNTERS, VM_TO_VF_COUNTERS } from '../proto/codec-stats.js';
import type { VfToVm, VmToVf } from '../proto/messages.js';

type VfToVmCounter = (typeof VF_TO_VM_COUNTERS)[number];
type VmToVfCounter = (typeof VM_TO_VF_COUNTERS)[number];

export interface Traffic {
  vfToVm: Record<VfToVmCounter, number>;
  vmToVf: Record<VmToVfCounter, number>;
}

export interface Flow {
  vf: boolean;
  vm: boolean;
}

const PACKET_BYTES = 1000;
/** The VM sends a little less than it receives, so the two directions differ in a test. */
const VM_SHARE = 0.8;

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export function newTraffic(): Traffic {
  return { vfToVm: zeros(VF_TO_VM_COUNTERS), vmToVf: zeros(VM_TO_VF_COUNTERS) };
}

/** Adds `seconds` of traffic at `pps` packets per second for the given flow. */
export function advanceTraffic(t: Traffic, flow: Flow, seconds: number, pps: number): void {
  if (!flow.vm || seconds <= 0) return;
  const fromVm = seconds * pps * VM_SHARE;
  t.vmToVf.pkts_rx_from_vm += fromVm;
  t.vmToVf.bytes_rx_from_vm += fromVm * PACKET_BYTES;
  if (!flow.vf) {
    t.vmToVf.pkts_dropped_vf_not_connected += fromVm;
    t.vmToVf.bytes_dropped_vf_not_connected += fromVm * PACKET_BYTES;
    return;
  }
  t.vmToVf.pkts_tx_to_vf += fromVm;
  t.vmToVf.bytes_tx_to_vf += fromVm * PACKET_BYTES;
  const fromVf = seconds * pps;
  t.vfToVm.pkts_rx_from_vf += fromVf;
  t.vfToVm.bytes_rx_from_vf += fromVf * PACKET_BYTES;
  t.vfToVm.pkts_tx_to_vm += fromVf;
  t.vfToVm.bytes_tx_to_vm += fromVf * PACKET_BYTES;
}

/** The VF -> VM side as the stats report it: counters only while the VF side is active. */
export function formatVfToVm(t: Traffic, flow: Flow, internalState: string, pps: number): VfToVm {
  const moving = flow.vf && flow.vm;
  const out: VfToVm = {
    active: flow.vf,
    internal_state: internalState,
    pkt_rate_rx_from_vf: moving ? pps : 0,
    byte_rate_rx_from_vf: moving ? pps * PACKET_BYTES : 0,
    pkt_rate_tx_to_vm: moving ? pps : 0,
    byte_rate_tx_to_vm: moving ? pps * PACKET_BYTES : 0,
  };
  if (flow.vf) for (const k of VF_TO_VM_COUNTERS) out[k] = Math.floor(t.vfToVm[k]);
  return out;
}

/** The VM -> VF side as the stats report it: counters only while a VM is connected. */
export function formatVmToVf(t: Traffic, flow: Flow, internalState: string, pps: number): VmToVf {
  const rate = flow.vm ? pps * VM_SHARE : 0;
  const out: VmToVf = {
    active: flow.vm,
    internal_state: internalState,
    pkt_rate_rx_from_vm: rate,
    byte_rate_rx_from_vm: rate * PACKET_BYTES,
    pkt_rate_tx_to_vf: flow.vf ? rate : 0,
    byte_rate_tx_to_vf: flow.vf ? rate * PACKET_BYTES : 0,
  };
  if (flow.vm) for (const k of VM_TO_VF_COUNTERS) out[k] = Math.floor(t.vmToVf[k]);
  return out;
}
