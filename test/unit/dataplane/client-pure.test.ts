// The client's pure parts: request sentences, refusal hints, endpoint
// checks, the RelayState -> ObservedRelay mapping, and the retry loop.
import { describe, expect, it } from 'vitest';
import { formatPortControlRequest, formatStatsRequest } from '../../../src/dataplane/client/describe.js';
import { parseEndpointProblem, parseIpcPath } from '../../../src/dataplane/client/endpoint.js';
import { formatRefusalHint } from '../../../src/dataplane/client/refusal-hint.js';
import { parseObservedRelay } from '../../../src/dataplane/client/relay-observed.js';
import { withRetries } from '../../../src/dataplane/client/retry.js';
import type { RelayState } from '../../../src/dataplane/proto/messages.js';

const pci = (slot: number, fn: number) => ({ domain: 0, bus: 2, slot, function: fn });

describe('formatPortControlRequest / formatStatsRequest', () => {
  it('names the op, relay, VF and unconditional-ness', () => {
    expect(formatPortControlRequest({ op: 'ADD', pci_addrs: [pci(8, 3)], virtio_id: 7, conditional: true })).toBe(
      'ADD relay 7 VF 0000:02:08.3',
    );
    expect(formatPortControlRequest({ op: 'REMOVE', pci_addrs: [pci(8, 3)], virtio_id: 7, conditional: false })).toBe(
      'REMOVE relay 7 VF 0000:02:08.3 (unconditional)',
    );
    expect(formatPortControlRequest({ op: 'ADD', pci_addrs: [pci(8, 0), pci(8, 1)], virtio_id: 2, name: 'b0' })).toBe(
      'ADD relay 2 bond b0 (0000:02:08.0, 0000:02:08.1)',
    );
    expect(formatPortControlRequest({ op: 'QUERY_PCI', pci_addrs: [], vhost_path: '/s/1.sock' })).toBe('QUERY_PCI /s/1.sock');
    expect(formatStatsRequest({ relay: [] })).toBe('stats of all relays');
    expect(formatStatsRequest({ relay: [1, 2] })).toBe('stats of relays 1, 2');
  });
});

describe('formatRefusalHint', () => {
  it("knows the forwarder's codes and falls back to its journal", () => {
    expect(formatRefusalHint('ADD', 8, 'virtio_forwarder_add_vf2()')).toMatch(/already has a VF/);
    expect(formatRefusalHint('REMOVE', 3, 'virtio_forwarder_remove_vf2()')).toMatch(/different VF/);
    expect(formatRefusalHint('ADD', 99, 'x()')).toBe('the forwarder logs its reason: journalctl -u virtio-forwarder');
    expect(formatRefusalHint('QUERY_PCI', undefined, undefined)).toMatch(/vhost_path/);
  });
});

describe('endpoints', () => {
  it('accepts ipc and tcp, rejects blanks and paths', () => {
    expect(parseEndpointProblem('ipc:///var/run/virtio-forwarder/stats')).toBeNull();
    expect(parseEndpointProblem('tcp://127.0.0.1:5555')).toBeNull();
    expect(parseEndpointProblem('')).toBe('no endpoint is configured');
    expect(parseEndpointProblem('/var/run/virtio-forwarder/stats')).toMatch(/is not a ZeroMQ endpoint/);
    expect(parseIpcPath('ipc:///run/x')).toBe('/run/x');
    expect(parseIpcPath('tcp://h:1')).toBeNull();
  });
});

describe('parseObservedRelay', () => {
  const base: RelayState = {
    id: 3,
    active: false,
    vhost: { vhost_socket_name: '/s/3.sock' },
    socket_id: 0,
    vf_to_vm: {
      active: false,
      internal_state: 'DPDK_UNINIT',
      pkt_rate_rx_from_vf: 0,
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
  };

  it('a detached relay has no VF', () => {
    expect(parseObservedRelay(base)).toMatchObject({
      virtioId: 3,
      vf: null,
      vfState: 'DPDK_UNINIT',
      socket: '/s/3.sock',
      vmConnected: false,
    });
  });

  it('an upper-case PCI address is canonicalised; a bond name is not a VF', () => {
    expect(parseObservedRelay({ ...base, vf: { pci_addr_str: '0000:05:0F.5' } }).vf).toBe('0000:05:0f.5');
    expect(parseObservedRelay({ ...base, vf: { pci_addr_str: 'bond0' } }).vf).toBeNull();
  });
});

describe('withRetries', () => {
  it('retries what is retryable, up to the bound, then throws the last error', async () => {
    let calls = 0;
    const failing = () => {
      calls++;
      return Promise.reject(new Error(`attempt ${calls}`));
    };
    await expect(withRetries(failing, { retries: 2, backoffMs: 1 }, () => true)).rejects.toThrow('attempt 3');
    calls = 0;
    await expect(withRetries(failing, { retries: 5, backoffMs: 1 }, () => false)).rejects.toThrow('attempt 1');
    calls = 0;
    const flaky = () => (++calls < 3 ? Promise.reject(new Error('not yet')) : Promise.resolve('done'));
    expect(await withRetries(flaky, { retries: 3, backoffMs: 1 }, () => true)).toBe('done');
  });
});
