// The virtio-forwarder control protocol as proto2 text, written from the
// field tables of docs/forwarder-protocol.md. Field numbers, types, defaults
// and required-ness are the wire contract: change nothing here without the
// forwarder changing first. Nothing parses it at run time (that cost every
// command a third of its start): the codec reads descriptors.ts, which
// test/unit/dataplane/proto-descriptors.test.ts checks against this text.

export const VIRTIOFORWARDER_PROTO = `
syntax = "proto2";
package virtioforwarder;

message PortControlRequest {
  enum Op {
    ADD = 0;
    REMOVE = 1;
    ADD_SOCK = 2;
    REMOVE_SOCK = 3;
    QUERY_PCI = 4;
  }
  message PciAddress {
    required uint32 domain = 1;
    required uint32 bus = 2;
    required uint32 slot = 3;
    required uint32 function = 4;
  }
  required Op op = 1;
  repeated PciAddress pci_addrs = 2;
  optional uint32 virtio_id = 3;
  optional bool conditional = 4 [default = true];
  optional string name = 5;
  optional uint32 mode = 6;
  optional string vhost_path = 7;
}

message PortControlResponse {
  enum Status {
    ERROR = 0;
    OK = 1;
  }
  required Status status = 4;
  optional int32 error_code = 5;
  optional string error_code_source = 6;
  optional string query_string = 7;
}

message StatsRequest {
  repeated uint32 relay = 1 [packed = true];
  optional bool include_inactive = 2 [default = true];
  optional uint32 delay = 3 [default = 0];
}

message RelayState {
  message CPU {
    optional int32 vf_to_vm = 1;
    optional int32 vm_to_vf = 2;
  }
  message VHOST {
    required string vhost_socket_name = 1;
  }
  message VF {
    optional string pci_addr_str = 1;
  }
  message VFtoVM {
    required bool active = 1;
    required string internal_state = 2;
    optional uint64 pkts_rx_from_vf = 3;
    optional uint64 bytes_rx_from_vf = 4;
    optional uint64 pkts_tx_to_vm = 5;
    optional uint64 bytes_tx_to_vm = 6;
    optional uint64 pkts_dropped_vm_queue_full = 7;
    optional uint64 bytes_dropped_vm_queue_full = 8;
    optional uint64 pkts_dropped_vm_not_connected = 9;
    optional uint64 bytes_dropped_vm_not_connected = 10;
    required float pkt_rate_rx_from_vf = 11;
    required float byte_rate_rx_from_vf = 12;
    required float pkt_rate_tx_to_vm = 13;
    required float byte_rate_tx_to_vm = 14;
  }
  message VMtoVF {
    required bool active = 1;
    required string internal_state = 2;
    optional uint64 pkts_rx_from_vm = 3;
    optional uint64 bytes_rx_from_vm = 4;
    optional uint64 pkts_tx_to_vf = 5;
    optional uint64 bytes_tx_to_vf = 6;
    optional uint64 pkts_dropped_vf_queue_full = 7;
    optional uint64 bytes_dropped_vf_queue_full = 8;
    optional uint64 pkts_dropped_vf_not_connected = 9;
    optional uint64 bytes_dropped_vf_not_connected = 10;
    required float pkt_rate_rx_from_vm = 11;
    required float byte_rate_rx_from_vm = 12;
    required float pkt_rate_tx_to_vf = 13;
    required float byte_rate_tx_to_vf = 14;
  }
  required uint32 id = 1;
  required bool active = 2;
  optional string ident = 3;
  optional CPU cpu = 4;
  required VHOST vhost = 5;
  optional VF vf = 6;
  required VFtoVM vf_to_vm = 7;
  required VMtoVF vm_to_vf = 8;
  required uint32 socket_id = 9;
}

message StatsResponse {
  enum Status {
    OK = 0;
    EBADR = 400;
    E2BIG = 413;
    ENOMEM = 500;
  }
  required Status status = 1;
  repeated RelayState relay = 2;
}

message RelayCPU {
  required int32 relay_number = 1;
  required int32 vf2virtio_cpu = 2;
  required int32 virtio2vf_cpu = 3;
}

message ConfigRequest {
}

message ConfigResponse {
  enum Status {
    OK = 0;
    EBADR = 400;
  }
  required Status status = 1;
  repeated RelayCPU relay_cpu_map = 5;
}

message CoreSchedRequest {
  enum Op {
    UPDATE = 0;
    GET_EAL_CORES = 1;
  }
  required Op op = 1;
  repeated RelayCPU relay_cpu_map = 2;
}

message CoreSchedResponse {
  enum Status {
    ERROR = 0;
    OK = 1;
  }
  required Status status = 4;
  optional int32 error_code = 5;
  optional string error_code_source = 6;
  repeated uint32 eal_cores = 7;
}
`;
