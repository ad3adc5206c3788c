// The virtio-forwarder messages as data: what wire-codec.ts reads to encode
// and decode them. Written from the proto2 text in virtioforwarder-proto.ts,
// which stays the contract; test/unit/dataplane/proto-descriptors.test.ts
// parses that text with protobufjs and fails on any difference (a field's
// number, type, rule, packing, an enum's values), so the two cannot drift.
//
// Why a table and not the parsed text: parsing the .proto text at load and
// generating codecs on first use cost `vfkeeper status` and the daemon's
// start about a third of their CPU time (bench/RESULTS.md, 0b and 0c);
// a table costs nothing to load and needs only protobufjs's minimal runtime.
// Why not protobufjs-cli's generated static code: a dev tool more, and
// about 3,000 generated lines for eight messages that this table and one
// small interpreter cover.

export type ScalarType = 'uint32' | 'int32' | 'uint64' | 'bool' | 'string' | 'float';

export interface EnumDescriptor {
  readonly name: string;
  /** Name -> number, as in the .proto text. */
  readonly values: Readonly<Record<string, number>>;
}

interface FieldBase {
  readonly name: string;
  readonly id: number;
  readonly rule: 'required' | 'optional' | 'repeated';
}

export type FieldDescriptor =
  | (FieldBase & { readonly kind: 'scalar'; readonly type: ScalarType; readonly packed?: true })
  | (FieldBase & { readonly kind: 'enum'; readonly type: EnumDescriptor })
  | (FieldBase & { readonly kind: 'message'; readonly type: MessageDescriptor });

export interface MessageDescriptor {
  /** Full name, as protobufjs prints it (without the leading dot). */
  readonly name: string;
  /** In the order of the .proto text (which is also field-number order here). */
  readonly fields: readonly FieldDescriptor[];
}

const req = 'required' as const;
const opt = 'optional' as const;
const rep = 'repeated' as const;

function scalar(name: string, id: number, rule: FieldBase['rule'], type: ScalarType, packed?: true): FieldDescriptor {
  return packed ? { name, id, rule, kind: 'scalar', type, packed } : { name, id, rule, kind: 'scalar', type };
}
function enumField(name: string, id: number, rule: FieldBase['rule'], type: EnumDescriptor): FieldDescriptor {
  return { name, id, rule, kind: 'enum', type };
}
function messageField(name: string, id: number, rule: FieldBase['rule'], type: MessageDescriptor): FieldDescriptor {
  return { name, id, rule, kind: 'message', type };
}

const PKG = 'virtioforwarder';

const PORT_CONTROL_OP: EnumDescriptor = {
  name: `${PKG}.PortControlRequest.Op`,
  values: { ADD: 0, REMOVE: 1, ADD_SOCK: 2, REMOVE_SOCK: 3, QUERY_PCI: 4 },
};
const PCI_ADDRESS: MessageDescriptor = {
  name: `${PKG}.PortControlRequest.PciAddress`,
  fields: [
    scalar('domain', 1, req, 'uint32'),
    scalar('bus', 2, req, 'uint32'),
    scalar('slot', 3, req, 'uint32'),
    scalar('function', 4, req, 'uint32'),
  ],
};
const PORT_CONTROL_REQUEST: MessageDescriptor = {
  name: `${PKG}.PortControlRequest`,
  fields: [
    enumField('op', 1, req, PORT_CONTROL_OP),
    messageField('pci_addrs', 2, rep, PCI_ADDRESS),
    scalar('virtio_id', 3, opt, 'uint32'),
    scalar('conditional', 4, opt, 'bool'),
    scalar('name', 5, opt, 'string'),
    scalar('mode', 6, opt, 'uint32'),
    scalar('vhost_path', 7, opt, 'string'),
  ],
};

const PORT_CONTROL_STATUS: EnumDescriptor = { name: `${PKG}.PortControlResponse.Status`, values: { ERROR: 0, OK: 1 } };
const PORT_CONTROL_RESPONSE: MessageDescriptor = {
  name: `${PKG}.PortControlResponse`,
  fields: [
    enumField('status', 4, req, PORT_CONTROL_STATUS),
    scalar('error_code', 5, opt, 'int32'),
    scalar('error_code_source', 6, opt, 'string'),
    scalar('query_string', 7, opt, 'string'),
  ],
};

const STATS_REQUEST: MessageDescriptor = {
  name: `${PKG}.StatsRequest`,
  fields: [scalar('relay', 1, rep, 'uint32', true), scalar('include_inactive', 2, opt, 'bool'), scalar('delay', 3, opt, 'uint32')],
};

const RELAY_CPU_STATE: MessageDescriptor = {
  name: `${PKG}.RelayState.CPU`,
  fields: [scalar('vf_to_vm', 1, opt, 'int32'), scalar('vm_to_vf', 2, opt, 'int32')],
};
const RELAY_VHOST: MessageDescriptor = { name: `${PKG}.RelayState.VHOST`, fields: [scalar('vhost_socket_name', 1, req, 'string')] };
const RELAY_VF: MessageDescriptor = { name: `${PKG}.RelayState.VF`, fields: [scalar('pci_addr_str', 1, opt, 'string')] };

export const VF_TO_VM_COUNTERS = [
  'pkts_rx_from_vf',
  'bytes_rx_from_vf',
  'pkts_tx_to_vm',
  'bytes_tx_to_vm',
  'pkts_dropped_vm_queue_full',
  'bytes_dropped_vm_queue_full',
  'pkts_dropped_vm_not_connected',
  'bytes_dropped_vm_not_connected',
] as const;
export const VF_TO_VM_RATES = ['pkt_rate_rx_from_vf', 'byte_rate_rx_from_vf', 'pkt_rate_tx_to_vm', 'byte_rate_tx_to_vm'] as const;
export const VM_TO_VF_COUNTERS = [
  'pkts_rx_from_vm',
  'bytes_rx_from_vm',
  'pkts_tx_to_vf',
  'bytes_tx_to_vf',
  'pkts_dropped_vf_queue_full',
  'bytes_dropped_vf_queue_full',
  'pkts_dropped_vf_not_connected',
  'bytes_dropped_vf_not_connected',
] as const;
export const VM_TO_VF_RATES = ['pkt_rate_rx_from_vm', 'byte_rate_rx_from_vm', 'pkt_rate_tx_to_vf', 'byte_rate_tx_to_vf'] as const;

/** VFtoVM and VMtoVF share their layout: active, state, eight counters, four rates. */
function direction(name: string, counters: readonly string[], rates: readonly string[]): MessageDescriptor {
  return {
    name: `${PKG}.RelayState.${name}`,
    fields: [
      scalar('active', 1, req, 'bool'),
      scalar('internal_state', 2, req, 'string'),
      ...counters.map((c, i) => scalar(c, 3 + i, opt, 'uint64')),
      ...rates.map((r, i) => scalar(r, 3 + counters.length + i, req, 'float')),
    ],
  };
}
const VF_TO_VM = direction('VFtoVM', VF_TO_VM_COUNTERS, VF_TO_VM_RATES);
const VM_TO_VF = direction('VMtoVF', VM_TO_VF_COUNTERS, VM_TO_VF_RATES);
const RELAY_STATE: MessageDescriptor = {
  name: `${PKG}.RelayState`,
  fields: [
    scalar('id', 1, req, 'uint32'),
    scalar('active', 2, req, 'bool'),
    scalar('ident', 3, opt, 'string'),
    messageField('cpu', 4, opt, RELAY_CPU_STATE),
    messageField('vhost', 5, req, RELAY_VHOST),
    messageField('vf', 6, opt, RELAY_VF),
    messageField('vf_to_vm', 7, req, VF_TO_VM),
    messageField('vm_to_vf', 8, req, VM_TO_VF),
    scalar('socket_id', 9, req, 'uint32'),
  ],
};

const STATS_STATUS: EnumDescriptor = { name: `${PKG}.StatsResponse.Status`, values: { OK: 0, EBADR: 400, E2BIG: 413, ENOMEM: 500 } };
const STATS_RESPONSE: MessageDescriptor = {
  name: `${PKG}.StatsResponse`,
  fields: [enumField('status', 1, req, STATS_STATUS), messageField('relay', 2, rep, RELAY_STATE)],
};

const RELAY_CPU: MessageDescriptor = {
  name: `${PKG}.RelayCPU`,
  fields: [scalar('relay_number', 1, req, 'int32'), scalar('vf2virtio_cpu', 2, req, 'int32'), scalar('virtio2vf_cpu', 3, req, 'int32')],
};

const CONFIG_REQUEST: MessageDescriptor = { name: `${PKG}.ConfigRequest`, fields: [] };
const CONFIG_STATUS: EnumDescriptor = { name: `${PKG}.ConfigResponse.Status`, values: { OK: 0, EBADR: 400 } };
const CONFIG_RESPONSE: MessageDescriptor = {
  name: `${PKG}.ConfigResponse`,
  fields: [enumField('status', 1, req, CONFIG_STATUS), messageField('relay_cpu_map', 5, rep, RELAY_CPU)],
};

const CORE_SCHED_OP: EnumDescriptor = { name: `${PKG}.CoreSchedRequest.Op`, values: { UPDATE: 0, GET_EAL_CORES: 1 } };
const CORE_SCHED_REQUEST: MessageDescriptor = {
  name: `${PKG}.CoreSchedRequest`,
  fields: [enumField('op', 1, req, CORE_SCHED_OP), messageField('relay_cpu_map', 2, rep, RELAY_CPU)],
};
const CORE_SCHED_STATUS: EnumDescriptor = { name: `${PKG}.CoreSchedResponse.Status`, values: { ERROR: 0, OK: 1 } };
const CORE_SCHED_RESPONSE: MessageDescriptor = {
  name: `${PKG}.CoreSchedResponse`,
  fields: [
    enumField('status', 4, req, CORE_SCHED_STATUS),
    scalar('error_code', 5, opt, 'int32'),
    scalar('error_code_source', 6, opt, 'string'),
    scalar('eal_cores', 7, rep, 'uint32'),
  ],
};

/** The eight top-level messages vfkeeper sends or reads, by their short name. */
export const MESSAGES = {
  PortControlRequest: PORT_CONTROL_REQUEST,
  PortControlResponse: PORT_CONTROL_RESPONSE,
  StatsRequest: STATS_REQUEST,
  StatsResponse: STATS_RESPONSE,
  ConfigRequest: CONFIG_REQUEST,
  ConfigResponse: CONFIG_RESPONSE,
  CoreSchedRequest: CORE_SCHED_REQUEST,
  CoreSchedResponse: CORE_SCHED_RESPONSE,
} as const satisfies Record<string, MessageDescriptor>;

export type MessageName = keyof typeof MESSAGES;
