// The emulated forwarder, assembled from the emulator's own parts (REP
// servers, relay table, port-control and stats handlers, vhost-user
// sockets), with one difference: relay numbers above 127 are accepted.
// The stock ForwarderEmulator refuses virtio_id > 0x7f as the forwarder's
// request validation does (and the real forwarder runs at most 64 relays),
// so design.md's 256 relays cannot be attached to it; this lets the bench
// measure that load on the same code paths. Bench only.
// Invariants: as ForwarderEmulator's: endpoints and sockets exist exactly
// between start() and stop(); every start() begins with every relay detached.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Behaviour } from '../../dist/dataplane/emulator/misbehaviour.js';
import { applyPortControlRequest, isValidPortControlRequest } from '../../dist/dataplane/emulator/port-control.js';
import { RelayTable } from '../../dist/dataplane/emulator/relay-table.js';
import { RepServer } from '../../dist/dataplane/emulator/rep-server.js';
import { readRelayStates, respondToStats } from '../../dist/dataplane/emulator/stats.js';
import { VhostSockets } from '../../dist/dataplane/emulator/vhost-sockets.js';
import { decodePortControlRequest, encodePortControlResponse } from '../../dist/dataplane/proto/codec-port-control.js';
import { encodeStatsResponse } from '../../dist/dataplane/proto/codec-stats.js';

export class WideForwarderEmulator {
  #running = null;

  constructor({ dir, maxRelays }) {
    this.dir = path.resolve(dir);
    this.socketDir = path.join(this.dir, 'sockets');
    this.maxRelays = maxRelays;
    this.endpoints = { portControl: `ipc://${this.dir}/port_control`, stats: `ipc://${this.dir}/stats` };
  }

  socketPath(id) {
    return path.join(this.socketDir, `virtio-forwarder${id}.sock`);
  }

  async start() {
    if (this.#running !== null) return;
    await mkdir(this.socketDir, { recursive: true });
    const table = new RelayTable({ maxRelays: this.maxRelays, pps: 1000, now: Date.now, canAttach: () => true });
    const sockets = new VhostSockets(this.socketDir, (id, connected) => table.setVmConnected(id, connected));
    const portControl = new RepServer(
      this.endpoints.portControl,
      (req) => respondWide(req, table, sockets),
      () => encodePortControlResponse({ status: 'ERROR' }),
      new Behaviour(),
    );
    const stats = new RepServer(
      this.endpoints.stats,
      async (req) => respondToStats(req, table),
      () => encodeStatsResponse({ status: 'ENOMEM', relay: [] }),
      new Behaviour(),
    );
    this.#running = { table, sockets, servers: [portControl, stats] };
    for (let id = 0; id < this.maxRelays; id++) {
      await sockets.listen(this.socketPath(id), id);
      table.setSocket(id, this.socketPath(id));
    }
    for (const server of this.#running.servers) await server.start();
  }

  async stop() {
    const running = this.#running;
    this.#running = null;
    if (running === null) return;
    await Promise.all(running.servers.map((s) => s.stop()));
    await running.sockets.closeAll();
  }

  readRelayStates() {
    return readRelayStates({ relay: [], include_inactive: true }, this.#running.table);
  }
}

/** respondToPortControl, with every validation but the relay number's upper bound. */
async function respondWide(bytes, table, sockets) {
  let req;
  try {
    req = decodePortControlRequest(bytes);
  } catch {
    return encodePortControlResponse({ status: 'ERROR' });
  }
  const clamped = req.virtio_id === undefined ? req : { ...req, virtio_id: Math.min(req.virtio_id, 0x7f) };
  if (!isValidPortControlRequest(clamped)) return encodePortControlResponse({ status: 'ERROR' });
  return encodePortControlResponse(await applyPortControlRequest(req, table, sockets));
}
