// An independent peer that speaks the protocol with hand-made bytes
// (test/helpers/hand-protobuf.ts, not our schema): first as a client of the
// emulator, then as the forwarder our client talks to.
import { afterEach, describe, expect, it } from 'vitest';
import { Reply, Request } from 'zeromq';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import { ForwarderError } from '../../src/dataplane/forwarder-error.js';
import { ZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import { parsePciAddress } from '../../src/model/pci.js';
import {
  all,
  asInt32,
  fieldFloat,
  fieldMessage,
  fieldString,
  fieldVarint,
  getBytes,
  getFloat,
  getString,
  getVarint,
  message,
  readFields,
  type WireField,
} from '../helpers/hand-protobuf.js';
import { hex } from '../helpers/golden-hex.js';
import { tempDir } from '../helpers/temp.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function ask(endpoint: string, body: Uint8Array): Promise<Uint8Array> {
  const req = new Request({ linger: 0, receiveTimeout: 5000 });
  try {
    req.connect(endpoint);
    await req.send(body);
    const [reply] = await req.receive();
    return reply ?? new Uint8Array();
  } finally {
    req.close();
  }
}

const pciAddr = (bus: number, slot: number, fn: number) =>
  fieldMessage(2, fieldVarint(1, 0), fieldVarint(2, bus), fieldVarint(3, slot), fieldVarint(4, fn));

function nested(fields: WireField[], field: number): WireField[] {
  return readFields(getBytes(fields, field) ?? new Uint8Array());
}

describe('a hand-made client drives the emulator', () => {
  async function emulator(): Promise<ForwarderEmulator> {
    const t = tempDir();
    const e = new ForwarderEmulator({ dir: t.dir });
    await e.start();
    cleanups.push(t.remove, () => e.stop());
    return e;
  }

  it('ADD answers status OK (field 4 = 1) and the stats show the VF on the relay', async () => {
    const e = await emulator();
    const add = message(fieldVarint(1, 0), pciAddr(2, 8, 3), fieldVarint(3, 7));
    expect(hex(await ask(e.endpoints.portControl, add))).toBe('2001');

    const stats = readFields(await ask(e.endpoints.stats, message(fieldVarint(1, 7))));
    expect(getVarint(stats, 1)).toBe(0n);
    const relays = all(stats, 2);
    expect(relays).toHaveLength(1);
    const relay = nested(stats, 2);
    expect(getVarint(relay, 1)).toBe(7n);
    expect(getVarint(relay, 2)).toBe(0n); // not active: no VM
    expect(getString(nested(relay, 6), 1)).toBe('0000:02:08.3');
    const vfToVm = nested(relay, 7);
    expect(getVarint(vfToVm, 1)).toBe(1n);
    expect(getString(vfToVm, 2)).toBe('DPDK_ADDED');
    expect(getFloat(vfToVm, 11)).toBe(0);
    expect(getString(nested(relay, 8), 2)).toBe('VIRTIO_UNINIT');
    expect(getString(nested(relay, 5), 1)).toBe(e.socketPath(7));
  });

  it('an unconditional ADD of an attached relay is ERROR with code and source', async () => {
    const e = await emulator();
    const add = (conditional: boolean) => message(fieldVarint(1, 0), pciAddr(2, 8, 3), fieldVarint(3, 7), fieldVarint(4, conditional));
    await ask(e.endpoints.portControl, add(true));
    expect(hex(await ask(e.endpoints.portControl, add(true)))).toBe('2001');
    const refused = readFields(await ask(e.endpoints.portControl, add(false)));
    expect(getVarint(refused, 4)).toBe(0n);
    expect(asInt32(getVarint(refused, 5) ?? -1n)).toBe(8);
    expect(getString(refused, 6)).toBe('virtio_forwarder_add_vf2()');
  });

  it('an undecodable request gets status ERROR and nothing else; stats get EBADR', async () => {
    const e = await emulator();
    expect(hex(await ask(e.endpoints.portControl, Uint8Array.from([0xff, 0xff, 0xff])))).toBe('2000');
    expect(hex(await ask(e.endpoints.portControl, new Uint8Array()))).toBe('2000'); // op is required
    expect(hex(await ask(e.endpoints.stats, Uint8Array.from([0x0a, 0x7f])))).toBe('089003');
  });

  it("the forwarder's validations answer a bare ERROR", async () => {
    const e = await emulator();
    const noVirtioId = message(fieldVarint(1, 0), pciAddr(2, 8, 3));
    const lonelyBond = message(fieldVarint(1, 0), pciAddr(2, 8, 3), fieldVarint(3, 1), fieldString(5, 'bond0'));
    const namelessPair = message(fieldVarint(1, 0), pciAddr(2, 8, 3), pciAddr(2, 8, 4), fieldVarint(3, 1));
    const queryNoPath = message(fieldVarint(1, 4));
    for (const bad of [noVirtioId, lonelyBond, namelessPair, queryNoPath]) {
      expect(hex(await ask(e.endpoints.portControl, bad))).toBe('2000');
    }
  });
});

describe('a hand-made forwarder answers our client', () => {
  async function handForwarder(answer: (request: WireField[]) => Uint8Array) {
    const t = tempDir();
    const endpoint = `ipc://${t.dir}/fwd`;
    const rep = new Reply({ linger: 0 });
    await rep.bind(endpoint);
    const seen: WireField[][] = [];
    const loop = (async () => {
      for (;;) {
        const [body] = await rep.receive().catch(() => [undefined]);
        if (body === undefined) return;
        const fields = readFields(body);
        seen.push(fields);
        await rep.send(answer(fields));
      }
    })();
    const forwarder = new ZmqForwarder({ portControl: endpoint, stats: endpoint, timeoutMs: 5000 });
    cleanups.push(
      t.remove,
      async () => {
        rep.close();
        await loop;
      },
      () => forwarder.close(),
    );
    return { forwarder, seen };
  }

  it('attach sends ADD, the relay, the VF address and conditional true', async () => {
    const { forwarder, seen } = await handForwarder(() => message(fieldVarint(4, 1)));
    await forwarder.attach(7, parsePciAddress('0000:81:1f.7'));
    const [req] = seen;
    if (req === undefined) throw new Error('no request seen');
    expect(getVarint(req, 1)).toBe(0n);
    expect(getVarint(req, 3)).toBe(7n);
    expect(getVarint(req, 4)).toBe(1n);
    const addrs = all(req, 2).map((f) => readFields(f.value as Uint8Array).map((g) => Number(g.value)));
    expect(addrs).toEqual([[0, 0x81, 0x1f, 7]]);
  });

  it('detach sends REMOVE (op 1)', async () => {
    const { forwarder, seen } = await handForwarder(() => message(fieldVarint(4, 1)));
    await forwarder.detach(3, parsePciAddress('0000:02:08.0'));
    expect(getVarint(seen[0] ?? [], 1)).toBe(1n);
  });

  it("an ERROR reply becomes ERR_FORWARDER_REFUSED with the forwarder's code and source", async () => {
    const { forwarder } = await handForwarder(() =>
      message(fieldVarint(4, 0), fieldVarint(5, -22), fieldString(6, 'virtio_forwarder_add_vf2()')),
    );
    const e: unknown = await forwarder.attach(1, parsePciAddress('0000:02:08.0')).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ForwarderError);
    expect((e as ForwarderError).context).toMatchObject({ errorCode: -22, errorCodeSource: 'virtio_forwarder_add_vf2()' });
  });

  it('readRelays maps a hand-made StatsResponse to ObservedRelay, counters by field name', async () => {
    const zeroRates = (from: number) => [0, 1, 2, 3].map((i) => fieldFloat(from + i, 0));
    const relay = fieldMessage(
      2,
      fieldVarint(1, 4),
      fieldVarint(2, true),
      fieldMessage(5, fieldString(1, '/tmp/virtio-forwarder/virtio-forwarder4.sock')),
      fieldMessage(6, fieldString(1, '0000:05:0F.5')), // the forwarder prints upper case
      fieldMessage(
        7,
        fieldVarint(1, true),
        fieldString(2, 'DPDK_READY'),
        fieldVarint(3, 2n ** 40n),
        fieldFloat(11, 250),
        ...zeroRates(12).slice(0, 3),
      ),
      fieldMessage(8, fieldVarint(1, true), fieldString(2, 'VIRTIO_READY'), fieldVarint(4, 1234), ...zeroRates(11)),
      fieldVarint(9, 1),
    );
    const { forwarder, seen } = await handForwarder(() => message(fieldVarint(1, 0), relay));
    const relays = await forwarder.readRelays();
    // No relay numbers (= all relays) and include_inactive = true, said explicitly.
    expect(seen[0]).toEqual([{ field: 2, wireType: 0, value: 1n }]);
    expect(relays).toEqual([
      {
        virtioId: 4,
        vf: '0000:05:0f.5',
        vfState: 'DPDK_READY',
        vmState: 'VIRTIO_READY',
        vmConnected: true,
        socket: '/tmp/virtio-forwarder/virtio-forwarder4.sock',
        counters: {
          pkts_rx_from_vf: 2 ** 40,
          pkt_rate_rx_from_vf: 250,
          byte_rate_rx_from_vf: 0,
          pkt_rate_tx_to_vm: 0,
          byte_rate_tx_to_vm: 0,
          bytes_rx_from_vm: 1234,
          pkt_rate_rx_from_vm: 0,
          byte_rate_rx_from_vm: 0,
          pkt_rate_tx_to_vf: 0,
          byte_rate_tx_to_vf: 0,
        },
      },
    ]);
  });
});
