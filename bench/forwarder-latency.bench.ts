// Request latency from the client to the emulated forwarder over ipc://,
// as figures (not asserted anywhere): `npx vitest bench --run bench/forwarder-latency.bench.ts`.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { benchOptions } from './lib/quick-options.js';
import { ForwarderClient } from '../src/dataplane/client/forwarder-client.js';
import { ForwarderEmulator } from '../src/dataplane/emulator/emulator.js';
import { ZmqForwarder } from '../src/dataplane/zmq-forwarder.js';
import { parsePciAddress } from '../src/model/pci.js';

const VF = parsePciAddress('0000:02:08.3');
let dir = '';
let emulator: ForwarderEmulator;
let forwarder: ZmqForwarder;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vfk-bench-'));
  emulator = new ForwarderEmulator({ dir });
  await emulator.start();
  forwarder = new ZmqForwarder({ ...emulator.endpoints, timeoutMs: 2000 });
  await forwarder.attach(7, VF);
  await emulator.connectVm(7);
});

afterAll(async () => {
  await forwarder.close();
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('client -> emulator over ipc://', () => {
  bench(
    'readRelays (stats of 60 relays, decoded and mapped)',
    async () => {
      await forwarder.readRelays();
    },
    benchOptions,
  );

  bench(
    'attach, conditional, already attached (port control round trip)',
    async () => {
      await forwarder.attach(7, VF);
    },
    benchOptions,
  );

  bench(
    'stats of one relay on a fresh client (new REQ socket, connect, close)',
    async () => {
      const client = new ForwarderClient({ ...emulator.endpoints });
      await client.stats({ relay: [7] });
      client.close();
    },
    benchOptions,
  );
});
