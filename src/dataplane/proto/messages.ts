// Plain TypeScript shapes of the protocol messages, field names as on the
// wire (snake_case) so a message reads like the forwarder's own tools print
// it. Optional fields are absent when not on the wire, except the ones the
// protocol gives a default (conditional, include_inactive, delay): decoding
// fills those with the value the forwarder would act on.

export type PortControlOp = 'ADD' | 'REMOVE' | 'ADD_SOCK' | 'REMOVE_SOCK' | 'QUERY_PCI';
export const PORT_CONTROL_OPS: readonly PortControlOp[] = ['ADD', 'REMOVE', 'ADD_SOCK', 'REMOVE_SOCK', 'QUERY_PCI'];

export interface WirePciAddress {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

export interface PortControlRequest {
  op: PortControlOp;
  pci_addrs: WirePciAddress[];
  virtio_id?: number;
  /** Default true: a request that would not change the relay is not an error. */
  conditional?: boolean;
  name?: string;
  mode?: number;
  vhost_path?: string;
}

export type PortControlStatus = 'ERROR' | 'OK';

export interface PortControlResponse {
  status: PortControlStatus;
  error_code?: number;
  error_code_source?: string;
  query_string?: string;
}

export interface StatsRequest {
  /** Empty = every relay. */
  relay: number[];
  include_inactive?: boolean;
  delay?: number;
}

export type StatsStatus = 'OK' | 'EBADR' | 'E2BIG' | 'ENOMEM';

export interface RelayCpu {
  vf_to_vm?: number;
  vm_to_vf?: number;
}

/** Counters are uint64 on the wire; numbers here (exact up to 2^53). */
export interface VfToVm {
  active: boolean;
  internal_state: string;
  pkts_rx_from_vf?: number;
  bytes_rx_from_vf?: number;
  pkts_tx_to_vm?: number;
  bytes_tx_to_vm?: number;
  pkts_dropped_vm_queue_full?: number;
  bytes_dropped_vm_queue_full?: number;
  pkts_dropped_vm_not_connected?: number;
  bytes_dropped_vm_not_connected?: number;
  pkt_rate_rx_from_vf: number;
  byte_rate_rx_from_vf: number;
  pkt_rate_tx_to_vm: number;
  byte_rate_tx_to_vm: number;
}

export interface VmToVf {
  active: boolean;
  internal_state: string;
  pkts_rx_from_vm?: number;
  bytes_rx_from_vm?: number;
  pkts_tx_to_vf?: number;
  bytes_tx_to_vf?: number;
  pkts_dropped_vf_queue_full?: number;
  bytes_dropped_vf_queue_full?: number;
  pkts_dropped_vf_not_connected?: number;
  bytes_dropped_vf_not_connected?: number;
  pkt_rate_rx_from_vm: number;
  byte_rate_rx_from_vm: number;
  pkt_rate_tx_to_vf: number;
  byte_rate_tx_to_vf: number;
}

export interface RelayState {
  id: number;
  active: boolean;
  ident?: string;
  cpu?: RelayCpu;
  vhost: { vhost_socket_name: string };
  vf?: { pci_addr_str?: string };
  vf_to_vm: VfToVm;
  vm_to_vf: VmToVf;
  socket_id: number;
}

export interface StatsResponse {
  status: StatsStatus;
  relay: RelayState[];
}

export interface RelayCpuEntry {
  relay_number: number;
  vf2virtio_cpu: number;
  virtio2vf_cpu: number;
}

export type ConfigRequest = Record<string, never>;

export interface ConfigResponse {
  status: 'OK' | 'EBADR';
  relay_cpu_map: RelayCpuEntry[];
}

export interface CoreSchedRequest {
  op: 'UPDATE' | 'GET_EAL_CORES';
  relay_cpu_map: RelayCpuEntry[];
}

export interface CoreSchedResponse {
  status: 'ERROR' | 'OK';
  error_code?: number;
  error_code_source?: string;
  eal_cores: number[];
}
