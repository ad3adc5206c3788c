// StatsRequest / StatsResponse (with RelayState): typed encode and decode.
import {
  optBool,
  optMessage,
  optNumber,
  optString,
  readBool,
  readEnum,
  readMessage,
  readMessages,
  readNumber,
  readNumbers,
  readString,
} from './fields.js';
import { VF_TO_VM_COUNTERS, VF_TO_VM_RATES, VM_TO_VF_COUNTERS, VM_TO_VF_RATES } from './descriptors.js';
import type { RelayState, StatsRequest, StatsResponse, StatsStatus, VfToVm, VmToVf } from './messages.js';
import { decodeMessage, encodeMessage, type PlainMessage } from './schema.js';

const STATUSES: readonly StatsStatus[] = ['OK', 'EBADR', 'E2BIG', 'ENOMEM'];

// The counters' and rates' names, from the schema's table (messages.ts types them).
export { VF_TO_VM_COUNTERS, VF_TO_VM_RATES, VM_TO_VF_COUNTERS, VM_TO_VF_RATES };

export function encodeStatsRequest(req: StatsRequest): Uint8Array {
  return encodeMessage('StatsRequest', req);
}

export function encodeStatsResponse(res: StatsResponse): Uint8Array {
  return encodeMessage('StatsResponse', res);
}

/** Decodes a request as the forwarder would: include_inactive absent means true, delay 0. */
export function decodeStatsRequest(bytes: Uint8Array): StatsRequest {
  const where = 'StatsRequest';
  const o = decodeMessage('StatsRequest', bytes);
  return {
    relay: readNumbers(o, 'relay', where),
    include_inactive: optBool(o, 'include_inactive', where) ?? true,
    delay: optNumber(o, 'delay', where) ?? 0,
  };
}

function parseVfToVm(o: PlainMessage, where: string): VfToVm {
  const out: VfToVm = {
    active: readBool(o, 'active', where),
    internal_state: readString(o, 'internal_state', where),
    pkt_rate_rx_from_vf: 0,
    byte_rate_rx_from_vf: 0,
    pkt_rate_tx_to_vm: 0,
    byte_rate_tx_to_vm: 0,
  };
  for (const k of VF_TO_VM_RATES) out[k] = readNumber(o, k, where);
  for (const k of VF_TO_VM_COUNTERS) {
    const v = optNumber(o, k, where);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function parseVmToVf(o: PlainMessage, where: string): VmToVf {
  const out: VmToVf = {
    active: readBool(o, 'active', where),
    internal_state: readString(o, 'internal_state', where),
    pkt_rate_rx_from_vm: 0,
    byte_rate_rx_from_vm: 0,
    pkt_rate_tx_to_vf: 0,
    byte_rate_tx_to_vf: 0,
  };
  for (const k of VM_TO_VF_RATES) out[k] = readNumber(o, k, where);
  for (const k of VM_TO_VF_COUNTERS) {
    const v = optNumber(o, k, where);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function parseRelayState(o: PlainMessage, where: string): RelayState {
  const relay: RelayState = {
    id: readNumber(o, 'id', where),
    active: readBool(o, 'active', where),
    vhost: { vhost_socket_name: readString(readMessage(o, 'vhost', where), 'vhost_socket_name', `${where}.vhost`) },
    vf_to_vm: parseVfToVm(readMessage(o, 'vf_to_vm', where), `${where}.vf_to_vm`),
    vm_to_vf: parseVmToVf(readMessage(o, 'vm_to_vf', where), `${where}.vm_to_vf`),
    socket_id: readNumber(o, 'socket_id', where),
  };
  const ident = optString(o, 'ident', where);
  if (ident !== undefined) relay.ident = ident;
  const cpu = optMessage(o, 'cpu', where);
  if (cpu !== undefined) {
    relay.cpu = {};
    const vfToVm = optNumber(cpu, 'vf_to_vm', `${where}.cpu`);
    if (vfToVm !== undefined) relay.cpu.vf_to_vm = vfToVm;
    const vmToVf = optNumber(cpu, 'vm_to_vf', `${where}.cpu`);
    if (vmToVf !== undefined) relay.cpu.vm_to_vf = vmToVf;
  }
  const vf = optMessage(o, 'vf', where);
  if (vf !== undefined) {
    const pci = optString(vf, 'pci_addr_str', `${where}.vf`);
    relay.vf = pci === undefined ? {} : { pci_addr_str: pci };
  }
  return relay;
}

export function decodeStatsResponse(bytes: Uint8Array): StatsResponse {
  const where = 'StatsResponse';
  const o = decodeMessage('StatsResponse', bytes);
  return {
    status: readEnum(o, 'status', STATUSES, where),
    relay: readMessages(o, 'relay', where).map((r, i) => parseRelayState(r, `${where}.relay[${i}]`)),
  };
}
