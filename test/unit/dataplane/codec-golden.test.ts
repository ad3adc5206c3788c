// Golden bytes, written by hand from the field tables of
// docs/forwarder-protocol.md (tag = field << 3 | wire type; varints base 128,
// little end first), checked in both directions against the schema.
import { describe, expect, it } from 'vitest';
import { isForwarderError } from '../../../src/dataplane/forwarder-error.js';
import {
  decodePortControlRequest,
  decodePortControlResponse,
  encodePortControlRequest,
  encodePortControlResponse,
} from '../../../src/dataplane/proto/codec-port-control.js';
import {
  decodeStatsRequest,
  decodeStatsResponse,
  encodeStatsRequest,
  encodeStatsResponse,
} from '../../../src/dataplane/proto/codec-stats.js';
import type { PortControlRequest, StatsResponse } from '../../../src/dataplane/proto/messages.js';
import { ascii, bytes, hex } from '../../helpers/golden-hex.js';

const ADD_7: PortControlRequest = {
  op: 'ADD',
  pci_addrs: [{ domain: 0, bus: 2, slot: 8, function: 3 }],
  virtio_id: 7,
  conditional: true,
};
const ADD_7_BYTES = bytes(
  '08 00', //                          op = ADD (0)
  '12 08', //                          pci_addrs, 8 bytes:
  '08 00  10 02  18 08  20 03', //       domain 0, bus 2, slot 8, function 3
  '18 07', //                          virtio_id = 7
  '20 01', //                          conditional = true
);

describe('PortControlRequest on the wire', () => {
  it('ADD relay 7 of 0000:02:08.3, conditional', () => {
    expect(hex(encodePortControlRequest(ADD_7))).toBe(hex(ADD_7_BYTES));
    expect(decodePortControlRequest(ADD_7_BYTES)).toEqual(ADD_7);
  });

  it('REMOVE relay 60 of 0000:81:1f.7, unconditional (multi-byte varint for bus 0x81)', () => {
    const req: PortControlRequest = {
      op: 'REMOVE',
      pci_addrs: [{ domain: 0, bus: 0x81, slot: 0x1f, function: 7 }],
      virtio_id: 60,
      conditional: false,
    };
    const wire = bytes('08 01', '12 09', '08 00  10 81 01  18 1f  20 07', '18 3c', '20 00');
    expect(hex(encodePortControlRequest(req))).toBe(hex(wire));
    expect(decodePortControlRequest(wire)).toEqual(req);
  });

  it('a bond ADD carries name and mode after the addresses', () => {
    const req: PortControlRequest = {
      op: 'ADD',
      pci_addrs: [
        { domain: 0, bus: 2, slot: 8, function: 0 },
        { domain: 0, bus: 2, slot: 8, function: 1 },
      ],
      virtio_id: 3,
      conditional: true,
      name: 'bond0',
      mode: 1,
    };
    const wire = bytes(
      '08 00',
      '12 08  08 00 10 02 18 08 20 00',
      '12 08  08 00 10 02 18 08 20 01',
      '18 03',
      '20 01',
      '2a 05',
      ascii('bond0'),
      '30 01',
    );
    expect(hex(encodePortControlRequest(req))).toBe(hex(wire));
    expect(decodePortControlRequest(wire)).toEqual(req);
  });

  it('QUERY_PCI names only the socket (field 7)', () => {
    const path = '/tmp/virtio-forwarder/virtio-forwarder1.sock'; // 44 bytes
    const wire = bytes('08 04', '3a 2c', ascii(path));
    expect(hex(encodePortControlRequest({ op: 'QUERY_PCI', pci_addrs: [], vhost_path: path }))).toBe(hex(wire));
    expect(decodePortControlRequest(wire)).toEqual({ op: 'QUERY_PCI', pci_addrs: [], vhost_path: path, conditional: true });
  });

  it('decodes an absent `conditional` as true, the protocol default', () => {
    const wire = bytes('08 00', '12 08  08 00 10 02 18 08 20 03', '18 07');
    expect(decodePortControlRequest(wire).conditional).toBe(true);
  });
});

describe('PortControlResponse on the wire', () => {
  it('OK is status (field 4) = 1 and nothing else', () => {
    expect(hex(encodePortControlResponse({ status: 'OK' }))).toBe('2001');
    expect(decodePortControlResponse(bytes('20 01'))).toEqual({ status: 'OK' });
  });

  it('ERROR with error_code 8 from virtio_forwarder_add_vf2()', () => {
    const wire = bytes('20 00', '28 08', '32 1a', ascii('virtio_forwarder_add_vf2()'));
    const res = { status: 'ERROR', error_code: 8, error_code_source: 'virtio_forwarder_add_vf2()' } as const;
    expect(hex(encodePortControlResponse(res))).toBe(hex(wire));
    expect(decodePortControlResponse(wire)).toEqual(res);
  });

  it('a negative error_code (-EEXIST) is a 10-byte int32 varint', () => {
    const wire = bytes('20 00', '28 ef ff ff ff ff ff ff ff ff 01', '32 1a', ascii('virtio_add_sock_dev_pair()'));
    const res = { status: 'ERROR', error_code: -17, error_code_source: 'virtio_add_sock_dev_pair()' } as const;
    expect(hex(encodePortControlResponse(res))).toBe(hex(wire));
    expect(decodePortControlResponse(wire)).toEqual(res);
  });

  it('a QUERY_PCI answer in query_string (field 7)', () => {
    const wire = bytes('20 01', '3a 0c', ascii('0000:02:08.3'));
    expect(decodePortControlResponse(wire)).toEqual({ status: 'OK', query_string: '0000:02:08.3' });
  });
});

describe('StatsRequest on the wire', () => {
  it('all relays with the defaults is the empty message', () => {
    expect(encodeStatsRequest({ relay: [] }).length).toBe(0);
    expect(decodeStatsRequest(new Uint8Array())).toEqual({ relay: [], include_inactive: true, delay: 0 });
  });

  it('relays 1 and 2 packed, include_inactive false, delay 100', () => {
    const wire = bytes('0a 02 01 02', '10 00', '18 64');
    expect(hex(encodeStatsRequest({ relay: [1, 2], include_inactive: false, delay: 100 }))).toBe(hex(wire));
    expect(decodeStatsRequest(wire)).toEqual({ relay: [1, 2], include_inactive: false, delay: 100 });
  });

  it('also accepts relay numbers sent unpacked', () => {
    expect(decodeStatsRequest(bytes('08 01', '08 02')).relay).toEqual([1, 2]);
  });
});

const ONE_RELAY: StatsResponse = {
  status: 'OK',
  relay: [
    {
      id: 7,
      active: false,
      vhost: { vhost_socket_name: '/tmp/v7.sock' },
      vf: { pci_addr_str: '0000:02:08.3' },
      vf_to_vm: {
        active: true,
        internal_state: 'DPDK_ADDED',
        pkts_rx_from_vf: 300,
        pkt_rate_rx_from_vf: 1.5,
        byte_rate_rx_from_vf: 0,
        pkt_rate_tx_to_vm: 0,
        byte_rate_tx_to_vm: 0,
      },
      vm_to_vf: {
        active: false,
        internal_state: 'VIRTIO_UNINIT',
        pkt_rate_rx_from_vm: 0,
        byte_rate_rx_from_vm: 0,
        pkt_rate_tx_to_vf: 0,
        byte_rate_tx_to_vf: 0,
      },
      socket_id: 0,
    },
  ],
};
const ONE_RELAY_BYTES = bytes(
  '08 00', //                               status = OK (0)
  '12 74', //                               relay, 116 bytes:
  '08 07', //                                 id = 7
  '10 00', //                                 active = false
  '2a 0e  0a 0c',
  ascii('/tmp/v7.sock'), //   vhost { vhost_socket_name }
  '32 0e  0a 0c',
  ascii('0000:02:08.3'), //   vf { pci_addr_str }
  '3a 25', //                                 vf_to_vm, 37 bytes:
  '08 01', //                                   active = true
  '12 0a',
  ascii('DPDK_ADDED'), //              internal_state
  '18 ac 02', //                                pkts_rx_from_vf = 300
  '5d 00 00 c0 3f', //                          pkt_rate_rx_from_vf = 1.5 (float, fixed32)
  '65 00 00 00 00  6d 00 00 00 00  75 00 00 00 00', // the other three rates = 0
  '42 25', //                                 vm_to_vf, 37 bytes:
  '08 00', //                                   active = false
  '12 0d',
  ascii('VIRTIO_UNINIT'),
  '5d 00 00 00 00  65 00 00 00 00  6d 00 00 00 00  75 00 00 00 00',
  '48 00', //                                 socket_id = 0
);

describe('StatsResponse on the wire', () => {
  it('one relay with a VF added and no VM', () => {
    expect(hex(encodeStatsResponse(ONE_RELAY))).toBe(hex(ONE_RELAY_BYTES));
    expect(decodeStatsResponse(ONE_RELAY_BYTES)).toEqual(ONE_RELAY);
  });

  it('EBADR (400) with no relays', () => {
    expect(decodeStatsResponse(bytes('08 90 03'))).toEqual({ status: 'EBADR', relay: [] });
  });

  it('cpu and ident are decoded when present', () => {
    const relay = ONE_RELAY.relay[0];
    if (relay === undefined) throw new Error('fixture');
    const withCpu: StatsResponse = { status: 'OK', relay: [{ ...relay, ident: 'vm-a', cpu: { vf_to_vm: 1, vm_to_vf: 2 } }] };
    expect(decodeStatsResponse(encodeStatsResponse(withCpu))).toEqual(withCpu);
  });
});

describe('malformed bytes are typed errors, never crashes', () => {
  const cases: [string, () => unknown][] = [
    ['a truncated varint', () => decodePortControlResponse(bytes('ff ff ff'))],
    ['a response without its required status', () => decodePortControlResponse(new Uint8Array())],
    ['an unknown status value', () => decodePortControlResponse(bytes('20 07'))],
    ['a stats status outside the enum', () => decodeStatsResponse(bytes('08 07'))],
    ['a relay without vf_to_vm', () => decodeStatsResponse(bytes('08 00', '12 04  08 01 10 00'))],
    ['a length running past the end', () => decodeStatsResponse(bytes('08 00', '12 7f 08'))],
    ['a request with an unknown op', () => decodePortControlRequest(bytes('08 09'))],
  ];
  it.each(cases)('%s', (_name, decode) => {
    let caught: unknown;
    try {
      decode();
    } catch (e) {
      caught = e;
    }
    expect(isForwarderError(caught, 'ERR_FORWARDER_MALFORMED')).toBe(true);
  });
});
