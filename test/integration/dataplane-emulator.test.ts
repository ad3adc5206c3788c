// The client against the emulator over real ZeroMQ ipc:// sockets and real
// unix sockets in a temporary directory.
import { stat } from 'node:fs/promises';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForwarderClient } from '../../src/dataplane/client/forwarder-client.js';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import { ForwarderError } from '../../src/dataplane/forwarder-error.js';
import { ZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import { isRelayAttached, type ObservedRelay } from '../../src/model/observed.js';
import { parsePciAddress } from '../../src/model/pci.js';
import { forwarderErrorOf } from '../helpers/forwarder-error-of.js';
import { tempDir, type TempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const VF = parsePciAddress('0000:02:08.3');
const OTHER_VF = parsePciAddress('0000:02:08.4');

let temp: TempDir;
let clock: number;
let emulator: ForwarderEmulator;
let forwarder: ZmqForwarder;
let client: ForwarderClient;

async function relay(id: number): Promise<ObservedRelay> {
  const found = (await forwarder.readRelays()).find((r) => r.virtioId === id);
  if (found === undefined) throw new Error(`relay ${id} not in the stats`);
  return found;
}

async function refusal(p: Promise<unknown>): Promise<ForwarderError> {
  const e = await forwarderErrorOf(p);
  expect(e.code).toBe('ERR_FORWARDER_REFUSED');
  return e;
}

beforeEach(async () => {
  temp = tempDir();
  clock = 1_000_000;
  emulator = new ForwarderEmulator({ dir: temp.dir, now: () => clock });
  await emulator.start();
  forwarder = new ZmqForwarder({ ...emulator.endpoints, timeoutMs: 2000 });
  client = forwarder.client;
});

afterEach(async () => {
  await forwarder.close();
  await emulator.stop();
  temp.remove();
});

describe('attach and detach', () => {
  it('reports every relay 0..59, detached, each with its socket', async () => {
    const relays = await forwarder.readRelays();
    expect(relays.map((r) => r.virtioId)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(relays.every((r) => r.vfState === 'DPDK_UNINIT' && r.vmState === 'VIRTIO_UNINIT' && r.vf === null)).toBe(true);
    expect(relays[7]?.socket).toBe(emulator.socketPath(7));
  });

  it('attach shows DPDK_ADDED with the VF named; detach clears it', async () => {
    await forwarder.attach(7, VF);
    const attached = await relay(7);
    expect(attached).toMatchObject({ vf: VF, vfState: 'DPDK_ADDED', vmConnected: false });
    expect(isRelayAttached(attached)).toBe(true);
    await forwarder.detach(7, VF);
    const detached = await relay(7);
    expect(detached).toMatchObject({ vf: null, vfState: 'DPDK_UNINIT' });
    expect(isRelayAttached(detached)).toBe(false);
  });

  it('conditional requests that change nothing are OK; unconditional ones are refused', async () => {
    await forwarder.attach(7, VF);
    await forwarder.attach(7, VF);
    const again = await refusal(client.add(7, [VF], { conditional: false }));
    expect(again.context).toMatchObject({ errorCode: 8, errorCodeSource: 'virtio_forwarder_add_vf2()', virtioId: 7 });
    expect(again.message).toContain('virtio_forwarder_add_vf2() returned 8');
    expect(again.message).toContain(emulator.endpoints.portControl);
    await forwarder.detach(7, VF);
    await forwarder.detach(7, VF);
    const gone = await refusal(client.remove(7, [VF], { conditional: false }));
    expect(gone.context).toMatchObject({ errorCode: 4, errorCodeSource: 'virtio_forwarder_remove_vf2()' });
  });

  it('refuses a second VF on a relay, a VF on two relays, and removing the wrong VF', async () => {
    await forwarder.attach(7, VF);
    expect((await refusal(forwarder.attach(7, OTHER_VF))).context.errorCode).toBe(8);
    expect((await refusal(forwarder.attach(8, VF))).context.errorCode).toBe(2);
    expect((await refusal(forwarder.detach(7, OTHER_VF))).context.errorCode).toBe(3);
    expect((await relay(7)).vf).toBe(VF);
  });

  it("refuses a relay number beyond the forwarder's 60", async () => {
    expect((await refusal(forwarder.attach(60, VF))).context.errorCode).toBe(1);
  });
});

describe("the forwarder's validations", () => {
  const cases: [string, Parameters<ForwarderClient['portControl']>[0]][] = [
    ['ADD without virtio_id', { op: 'ADD', pci_addrs: [{ domain: 0, bus: 2, slot: 8, function: 3 }] }],
    ['REMOVE without virtio_id', { op: 'REMOVE', pci_addrs: [{ domain: 0, bus: 2, slot: 8, function: 3 }] }],
    ['a bond name with one address', { op: 'ADD', virtio_id: 1, name: 'b', pci_addrs: [{ domain: 0, bus: 2, slot: 8, function: 3 }] }],
    [
      'two addresses without a name',
      {
        op: 'ADD',
        virtio_id: 1,
        pci_addrs: [
          { domain: 0, bus: 2, slot: 8, function: 3 },
          { domain: 0, bus: 2, slot: 8, function: 4 },
        ],
      },
    ],
    ['QUERY_PCI without vhost_path', { op: 'QUERY_PCI', pci_addrs: [] }],
  ];
  it.each(cases)('%s is a bare status ERROR', async (_name, req) => {
    const e = await refusal(client.portControl(req));
    expect(e.context.errorCode).toBeUndefined();
    expect(e.hint).toMatch(/rejected the request's fields/);
  });

  it('a bond of two VFs with a name is accepted and reported by its name', async () => {
    await client.add(3, [VF, OTHER_VF], { name: 'bond0', mode: 1 });
    const r = await relay(3);
    expect(r.vfState).toBe('DPDK_ADDED');
    expect(r.vf).toBeNull();
    expect((await refusal(forwarder.attach(4, OTHER_VF))).context.errorCode).toBe(2);
  });
});

describe('VMs on the vhost-user sockets', () => {
  it('creates every relay socket at start, as real listening sockets owned by this process', async () => {
    const st = await stat(emulator.socketPath(59));
    expect(st.isSocket()).toBe(true);
    expect(st.uid).toBe(process.getuid?.());
  });

  it('a client on the socket is a VM: VIRTIO_READY, DPDK_READY, counters move; leaving ends it', async () => {
    await forwarder.attach(7, VF);
    const vm = net.connect(emulator.socketPath(7));
    const up = await waitFor(async () => {
      const r = await relay(7);
      return r.vmConnected && r;
    }, 'the VM to show');
    expect(up).toMatchObject({ vmState: 'VIRTIO_READY', vfState: 'DPDK_READY' });
    clock += 2000;
    const moving = await relay(7);
    expect(moving.counters.pkts_rx_from_vf).toBe(2000);
    expect(moving.counters.pkts_tx_to_vm).toBe(2000);
    expect(moving.counters.pkts_rx_from_vm).toBe(1600);
    vm.destroy();
    const down = await waitFor(async () => {
      const r = await relay(7);
      return !r.vmConnected && r;
    }, 'the VM to leave');
    expect(down).toMatchObject({ vmState: 'VIRTIO_UNINIT', vfState: 'DPDK_ADDED' });
    expect(down.counters.pkts_rx_from_vm).toBeUndefined();
  });

  it('connectVm / disconnectVm drive the same path for tests', async () => {
    await emulator.connectVm(9);
    expect(await relay(9)).toMatchObject({ vmConnected: true, vfState: 'DPDK_UNINIT' });
    clock += 1000;
    expect((await relay(9)).counters.pkts_dropped_vf_not_connected).toBe(800);
    await forwarder.attach(9, VF);
    expect((await relay(9)).vfState).toBe('DPDK_READY');
    await emulator.disconnectVm(9);
    expect(await relay(9)).toMatchObject({ vmConnected: false, vfState: 'DPDK_ADDED' });
  });
});

describe('stats requests', () => {
  it('selects relays, drops out-of-range ones, and hides inactive ones on request', async () => {
    await forwarder.attach(2, VF);
    await emulator.connectVm(2);
    expect((await client.stats({ relay: [2, 5, 99] })).relay.map((r) => r.id)).toEqual([2, 5]);
    expect((await client.stats({ include_inactive: false })).relay.map((r) => r.id)).toEqual([2]);
  });

  it('asking for more relays than the forwarder has is E2BIG', async () => {
    const e: unknown = await client.stats({ relay: Array.from({ length: 61 }, (_, i) => i) }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ForwarderError);
    expect((e as ForwarderError).message).toContain('E2BIG');
  });
});

describe('restart', () => {
  it('a stopped and restarted emulator has forgotten every relay, and the client carries on', async () => {
    await forwarder.attach(7, VF);
    await emulator.connectVm(7);
    await emulator.stop();
    await emulator.start();
    const r = await relay(7);
    expect(r).toMatchObject({ vf: null, vfState: 'DPDK_UNINIT', vmConnected: false });
  });
});
