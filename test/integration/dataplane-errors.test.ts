// Each typed error of the client, provoked for real: nothing at the ipc
// path, a stale socket file, a hung forwarder, ERROR replies, garbage.
import { afterEach, describe, expect, it } from 'vitest';
import { ForwarderClient, type ForwarderClientOptions } from '../../src/dataplane/client/forwarder-client.js';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import { HINT_IPC_PORT_CONTROL } from '../../src/dataplane/forwarder-error.js';
import { ZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import { parsePciAddress } from '../../src/model/pci.js';
import { forwarderErrorOf } from '../helpers/forwarder-error-of.js';
import { makeStaleSocket } from '../helpers/stale-socket.js';
import { tempDir } from '../helpers/temp.js';

const VF = parsePciAddress('0000:02:08.3');
// Long enough that a test waiting for it would hit vitest's own timeout.
const PATIENT = 60_000;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function scratchDir(): string {
  const t = tempDir();
  cleanups.push(t.remove);
  return t.dir;
}

async function runningEmulator(): Promise<ForwarderEmulator> {
  const emulator = new ForwarderEmulator({ dir: scratchDir() });
  await emulator.start();
  cleanups.push(() => emulator.stop());
  return emulator;
}

function clientFor(options: ForwarderClientOptions): ForwarderClient {
  const client = new ForwarderClient(options);
  cleanups.push(async () => client.close());
  return client;
}

describe('ERR_FORWARDER_UNREACHABLE', () => {
  it('an absent ipc path fails at once, naming endpoint and request, with the service hint', async () => {
    const dir = scratchDir();
    const endpoint = `ipc://${dir}/port_control`;
    const client = clientFor({ portControl: endpoint, stats: `ipc://${dir}/stats`, timeoutMs: PATIENT });
    const e = await forwarderErrorOf(client.add(7, [VF]));
    expect(e.code).toBe('ERR_FORWARDER_UNREACHABLE');
    expect(e.message).toContain(endpoint);
    expect(e.message).toContain('ADD relay 7 VF 0000:02:08.3');
    expect(e.message).toContain('does not exist');
    expect(e.context).toMatchObject({ endpoint, errno: 'ENOENT' });
    expect(e.hint).toContain('systemctl start virtio-forwarder');
  });

  it('a stale socket file with nothing listening is refused without waiting for the deadline', async () => {
    const dir = scratchDir();
    const stats = await makeStaleSocket(dir, 'stats');
    const client = clientFor({ portControl: '', stats: `ipc://${stats}`, timeoutMs: PATIENT, retries: 0 });
    const e = await forwarderErrorOf(client.stats());
    expect(e.code).toBe('ERR_FORWARDER_UNREACHABLE');
    expect(e.context.errno).toBe('ECONNREFUSED');
    expect(e.message).toContain('stats of all relays');
  });

  it('a missing port control endpoint beside a present stats endpoint says IPC port control is off', async () => {
    const emulator = await runningEmulator();
    const client = clientFor({ portControl: `ipc://${emulator.dir}/no_port_control`, stats: emulator.endpoints.stats });
    const e = await forwarderErrorOf(client.add(1, [VF]));
    expect(e.code).toBe('ERR_FORWARDER_UNREACHABLE');
    expect(e.hint).toBe(HINT_IPC_PORT_CONTROL);
  });

  it('no endpoint configured', async () => {
    const client = clientFor({ portControl: '', stats: '' });
    const e = await forwarderErrorOf(client.stats());
    expect(e.code).toBe('ERR_FORWARDER_UNREACHABLE');
    expect(e.message).toContain('no endpoint is configured');
  });

  it('a stopped emulator is unreachable, and the same client works once it is back', async () => {
    const emulator = await runningEmulator();
    const forwarder = new ZmqForwarder({ ...emulator.endpoints, timeoutMs: PATIENT }, { retries: 0 });
    cleanups.push(() => forwarder.close());
    await forwarder.attach(1, VF);
    await emulator.stop();
    const down = await forwarderErrorOf(forwarder.readRelays());
    expect(down.code).toBe('ERR_FORWARDER_UNREACHABLE');
    expect(down.context.errno).toBe('ENOENT');
    await emulator.start();
    expect((await forwarder.readRelays()).length).toBe(60);
  });
});

describe('ERR_FORWARDER_TIMEOUT', () => {
  it('a hung forwarder times out; after it recovers a fresh socket is served', async () => {
    const emulator = await runningEmulator();
    const client = clientFor({ ...emulator.endpoints, timeoutMs: 150, retries: 0 });
    emulator.misbehave({ kind: 'silent' }, 'stats');
    const e = await forwarderErrorOf(client.stats());
    expect(e.code).toBe('ERR_FORWARDER_TIMEOUT');
    expect(e.message).toBe(`virtio-forwarder did not answer stats of all relays on ${emulator.endpoints.stats} within 150 ms`);
    // A second request while still hung also times out (it is not stuck behind the first socket).
    expect((await forwarderErrorOf(client.stats())).code).toBe('ERR_FORWARDER_TIMEOUT');
    emulator.misbehave({ kind: 'none' });
    expect((await client.stats()).relay.length).toBe(60);
  });

  it('a slow reply inside the deadline is simply a reply', async () => {
    const emulator = await runningEmulator();
    const client = clientFor({ ...emulator.endpoints, timeoutMs: 5000 });
    emulator.misbehave({ kind: 'slow', delayMs: 50 });
    await client.add(2, [VF]);
    expect((await client.stats({ relay: [2] })).relay[0]?.vf?.pci_addr_str).toBe(VF);
  });
});

describe('ERR_FORWARDER_REFUSED and ERR_FORWARDER_MALFORMED', () => {
  it('an ERROR reply carries error_code and error_code_source in message and context', async () => {
    const emulator = await runningEmulator();
    const client = clientFor(emulator.endpoints);
    emulator.misbehave({ kind: 'error', errorCode: -19, source: 'rte_eth_dev_attach()' }, 'port_control');
    const e = await forwarderErrorOf(client.remove(4, [VF]));
    expect(e.code).toBe('ERR_FORWARDER_REFUSED');
    expect(e.message).toContain('REMOVE relay 4 VF 0000:02:08.3');
    expect(e.message).toContain('rte_eth_dev_attach() returned -19');
    expect(e.context).toMatchObject({ errorCode: -19, errorCodeSource: 'rte_eth_dev_attach()', virtioId: 4 });
    expect(e.hint).toContain('journalctl -u virtio-forwarder');
  });

  it('a stats status other than OK is refused', async () => {
    const emulator = await runningEmulator();
    const client = clientFor(emulator.endpoints);
    emulator.misbehave({ kind: 'error' }, 'stats');
    expect((await forwarderErrorOf(client.stats())).message).toContain('status ENOMEM');
  });

  it.each([
    ['truncated varints', Uint8Array.from([0xff, 0xff, 0xff])],
    ['an empty reply', new Uint8Array()],
    ['text', new TextEncoder().encode('HTTP/1.1 400 Bad Request\r\n')],
  ])('garbage (%s) is malformed, for both endpoints', async (_name, bytes) => {
    const emulator = await runningEmulator();
    const client = clientFor(emulator.endpoints);
    emulator.misbehave({ kind: 'garbage', bytes });
    const pc = await forwarderErrorOf(client.add(1, [VF]));
    expect(pc.code).toBe('ERR_FORWARDER_MALFORMED');
    expect(pc.message).toContain(`reply to ADD relay 1 VF 0000:02:08.3 on ${emulator.endpoints.portControl} is malformed`);
    expect((await forwarderErrorOf(client.stats())).code).toBe('ERR_FORWARDER_MALFORMED');
  });
});

describe('many callers on one client', () => {
  it('concurrent requests are queued per endpoint and all answered', async () => {
    const emulator = await runningEmulator();
    const forwarder = new ZmqForwarder({ ...emulator.endpoints, timeoutMs: 5000 });
    cleanups.push(() => forwarder.close());
    const vfs = Array.from({ length: 20 }, (_, i) => parsePciAddress(`0000:03:${(i >> 3).toString(16).padStart(2, '0')}.${i & 7}`));
    await Promise.all([...vfs.map((vf, i) => forwarder.attach(i + 1, vf)), ...vfs.map(() => forwarder.readRelays())]);
    const relays = await forwarder.readRelays();
    expect(relays.filter((r) => r.vfState === 'DPDK_ADDED').map((r) => r.vf)).toEqual(vfs);
  });
});
