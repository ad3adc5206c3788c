// The emulator's relay state machine, without sockets.
import { describe, expect, it } from 'vitest';
import { RelayTable } from '../../../src/dataplane/emulator/relay-table.js';
import { readRelayStates } from '../../../src/dataplane/emulator/stats.js';

function table(canAttach: (pci: string) => boolean = () => true) {
  const clock = { now: 0 };
  const t = new RelayTable({ maxRelays: 4, pps: 100, now: () => clock.now, canAttach });
  return { t, clock };
}

describe('RelayTable', () => {
  it('walks DPDK_UNINIT -> DPDK_ADDED -> DPDK_READY with a VM and back', () => {
    const { t } = table();
    expect(t.readState(1)?.vf_to_vm.internal_state).toBe('DPDK_UNINIT');
    expect(t.addVf(1, '0000:02:08.0', true)).toBe(0);
    expect(t.readState(1)).toMatchObject({
      active: false,
      vf: { pci_addr_str: '0000:02:08.0' },
      vf_to_vm: { active: true, internal_state: 'DPDK_ADDED' },
    });
    t.setVmConnected(1, true);
    expect(t.readState(1)).toMatchObject({
      active: true,
      vf_to_vm: { internal_state: 'DPDK_READY' },
      vm_to_vf: { active: true, internal_state: 'VIRTIO_READY' },
    });
    t.setVmConnected(1, false);
    expect(t.readState(1)?.vf_to_vm.internal_state).toBe('DPDK_ADDED');
    expect(t.removeDevice(1, '0000:02:08.0', true)).toBe(0);
    expect(t.readState(1)?.vf).toBeUndefined();
  });

  it('a VF added while a VM waits is DPDK_READY at once', () => {
    const { t } = table();
    t.setVmConnected(2, true);
    t.addVf(2, '0000:02:08.1', true);
    expect(t.readState(2)?.vf_to_vm.internal_state).toBe('DPDK_READY');
  });

  it("returns the forwarder's codes", () => {
    const { t } = table((pci) => pci !== '0000:02:08.7');
    expect(t.addVf(4, '0000:02:08.0', true)).toBe(1);
    expect(t.addVf(0, '0000:02:08.7', true)).toBe(2);
    t.addVf(0, '0000:02:08.0', true);
    expect(t.addVf(0, '0000:02:08.0', false)).toBe(8);
    expect(t.addVf(0, '0000:02:08.1', true)).toBe(8);
    expect(t.addVf(1, '0000:02:08.0', true)).toBe(2);
    expect(t.removeDevice(0, '0000:02:08.1', true)).toBe(3);
    expect(t.removeDevice(1, '0000:02:08.1', true)).toBe(0);
    expect(t.removeDevice(1, '0000:02:08.1', false)).toBe(4);
    expect(t.addBond(1, 'b', ['0000:02:08.0', '0000:02:08.2'])).toBe(3);
  });

  it('counts only while forwarding, from the clock, never backwards', () => {
    const { t, clock } = table();
    t.addVf(0, '0000:02:08.0', true);
    clock.now = 5000;
    expect(t.readState(0)?.vf_to_vm.pkts_rx_from_vf).toBe(0);
    t.setVmConnected(0, true);
    clock.now = 6500;
    const s = t.readState(0);
    expect(s?.vf_to_vm).toMatchObject({ pkts_rx_from_vf: 150, bytes_rx_from_vf: 150_000, pkt_rate_rx_from_vf: 100 });
    expect(s?.vm_to_vf).toMatchObject({ pkts_rx_from_vm: 120, pkts_tx_to_vf: 120 });
    t.setVmConnected(0, false);
    clock.now = 9000;
    expect(t.readState(0)?.vf_to_vm).toMatchObject({ pkts_rx_from_vf: 150, pkt_rate_rx_from_vf: 0 });
  });

  it('stats select relays, skip out-of-range ones, and filter inactive ones', () => {
    const { t } = table();
    t.addVf(3, '0000:02:08.3', true);
    t.setVmConnected(3, true);
    expect(readRelayStates({ relay: [], include_inactive: true }, t).map((r) => r.id)).toEqual([0, 1, 2, 3]);
    expect(readRelayStates({ relay: [3, 9, 0] }, t).map((r) => r.id)).toEqual([3, 0]);
    expect(readRelayStates({ relay: [], include_inactive: false }, t).map((r) => r.id)).toEqual([3]);
  });
});
