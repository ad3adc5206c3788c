// An emulated virtio-forwarder on real ZeroMQ REP sockets and real unix
// sockets, for tests, the demo and `vfkeeper forwarder-emulator`:
//   ipc://DIR/port_control, ipc://DIR/stats, DIR/sockets/virtio-forwarder<id>.sock
//
// When sockets exist: like the forwarder in vhost-user server mode without
// VIRTIOFWD_DYNAMIC_SOCKETS, every relay's socket (0..maxRelays-1) is
// created at start and removed at stop; with `dynamicSockets`, a socket
// exists only between ADD_SOCK and REMOVE_SOCK. They are owned by this
// process (root when run as root), as the forwarder's are.
//
// Invariants:
// - the endpoints and sockets exist exactly between start() and stop();
// - every start() begins with every relay detached and no VM: a restart
//   forgets the relays added at run time, as the forwarder does;
// - misbehaviour settings survive a restart (they belong to the test, not the forwarder).
import { EventEmitter, once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { VfkeeperError } from '../../model/errors.js';
import type { PciAddress } from '../../model/pci.js';
import { encodePortControlResponse } from '../proto/codec-port-control.js';
import { encodeStatsResponse } from '../proto/codec-stats.js';
import type { RelayState } from '../proto/messages.js';
import { Behaviour, type Misbehaviour } from './misbehaviour.js';
import { respondToPortControl } from './port-control.js';
import { RelayTable } from './relay-table.js';
import { RepServer } from './rep-server.js';
import { readRelayStates, respondToStats } from './stats.js';
import { VhostSockets } from './vhost-sockets.js';

export interface ForwarderEmulatorOptions {
  /** Holds port_control, stats and sockets/. */
  dir: string;
  /** The forwarder's MAX_RELAYS (60). */
  maxRelays?: number;
  dynamicSockets?: boolean;
  /** Packets per second a forwarding relay counts (default 1000). */
  pps?: number;
  /** Whether DPDK could take a VF (default: any); false makes ADD fail with code 2, as an unbound VF does. */
  canAttach?: (pci: PciAddress) => boolean;
  now?: () => number;
}

export type EmulatorEndpoint = 'port_control' | 'stats' | 'both';

interface Running {
  table: RelayTable;
  sockets: VhostSockets;
  servers: RepServer[];
  vms: Map<number, net.Socket>;
}

const SUN_PATH_MAX = 107;

export class ForwarderEmulator {
  readonly dir: string;
  readonly socketDir: string;
  readonly endpoints: { portControl: string; stats: string };
  readonly #opts: Required<Omit<ForwarderEmulatorOptions, 'dir'>>;
  readonly #behaviours = { port_control: new Behaviour(), stats: new Behaviour() };
  readonly #vmEvents = new EventEmitter();
  #running: Running | null = null;

  constructor(options: ForwarderEmulatorOptions) {
    this.dir = path.resolve(options.dir);
    this.socketDir = path.join(this.dir, 'sockets');
    this.endpoints = { portControl: `ipc://${this.dir}/port_control`, stats: `ipc://${this.dir}/stats` };
    this.#opts = {
      maxRelays: options.maxRelays ?? 60,
      dynamicSockets: options.dynamicSockets ?? false,
      pps: options.pps ?? 1000,
      canAttach: options.canAttach ?? (() => true),
      now: options.now ?? Date.now,
    };
    const longest = this.socketPath(this.#opts.maxRelays - 1);
    if (Buffer.byteLength(longest) > SUN_PATH_MAX) {
      throw new VfkeeperError('ERR_EMULATOR_PATH', `${longest} is longer than a unix socket path may be (${SUN_PATH_MAX} bytes)`, {
        path: this.dir,
        hint: 'give the emulator a shorter directory (e.g. under /tmp)',
      });
    }
  }

  get running(): boolean {
    return this.#running !== null;
  }

  /** Where relay `id`'s socket is created when sockets are made at start. */
  socketPath(id: number): string {
    return path.join(this.socketDir, `virtio-forwarder${id}.sock`);
  }

  async start(): Promise<void> {
    if (this.#running !== null) return;
    await mkdir(this.socketDir, { recursive: true });
    const o = this.#opts;
    const table = new RelayTable({ maxRelays: o.maxRelays, pps: o.pps, now: o.now, canAttach: (p) => o.canAttach(p as PciAddress) });
    const sockets = new VhostSockets(this.socketDir, (id, connected) => {
      table.setVmConnected(id, connected);
      this.#vmEvents.emit('vm', id, connected);
    });
    const running: Running = { table, sockets, servers: this.#makeServers(table, sockets), vms: new Map() };
    try {
      if (!o.dynamicSockets) await this.#createSockets(running);
      for (const server of running.servers) await server.start();
    } catch (e) {
      await this.#teardown(running);
      throw new VfkeeperError('ERR_EMULATOR_START', `the forwarder emulator cannot start in ${this.dir}: ${String(e)}`, {
        path: this.dir,
        cause: e,
        hint: 'is another emulator or forwarder using this directory?',
      });
    }
    this.#running = running;
  }

  async stop(): Promise<void> {
    const running = this.#running;
    this.#running = null;
    if (running !== null) await this.#teardown(running);
  }

  /** Makes one endpoint (or both) misbehave until told `{ kind: 'none' }`. */
  misbehave(m: Misbehaviour, endpoint: EmulatorEndpoint = 'both'): void {
    if (endpoint !== 'stats') this.#behaviours.port_control.set(m);
    if (endpoint !== 'port_control') this.#behaviours.stats.set(m);
  }

  /** Every relay as the stats endpoint would report it (inactive included). */
  readRelayStates(): RelayState[] {
    const running = this.#requireRunning();
    return readRelayStates({ relay: [], include_inactive: true }, running.table);
  }

  /** Connects a "VM" to relay `id`'s socket; resolves once the relay shows it. */
  async connectVm(id: number): Promise<void> {
    const running = this.#requireRunning();
    const socketPath = running.table.socketOf(id);
    if (socketPath === null) {
      throw new VfkeeperError('ERR_EMULATOR_NO_SOCKET', `relay ${id} has no vhost-user socket to connect a VM to`, { virtioId: id });
    }
    if (running.vms.has(id)) return;
    const shown = this.#waitVm(running, id, true);
    const conn = net.connect(socketPath);
    conn.on('error', () => conn.destroy());
    running.vms.set(id, conn);
    await shown;
  }

  /** Disconnects the VM connectVm made; resolves once the relay has no VM. */
  async disconnectVm(id: number): Promise<void> {
    const running = this.#requireRunning();
    const conn = running.vms.get(id);
    if (conn === undefined) return;
    running.vms.delete(id);
    const shown = this.#waitVm(running, id, false);
    conn.destroy();
    await shown;
  }

  #makeServers(table: RelayTable, sockets: VhostSockets): RepServer[] {
    const portControl = new RepServer(
      this.endpoints.portControl,
      (req) => respondToPortControl(req, table, sockets),
      (code, source) => encodePortControlResponse({ status: 'ERROR', error_code: code ?? -5, error_code_source: source ?? 'emulator()' }),
      this.#behaviours.port_control,
    );
    const stats = new RepServer(
      this.endpoints.stats,
      async (req) => respondToStats(req, table),
      () => encodeStatsResponse({ status: 'ENOMEM', relay: [] }),
      this.#behaviours.stats,
    );
    return [portControl, stats];
  }

  async #createSockets(running: Running): Promise<void> {
    for (let id = 0; id < this.#opts.maxRelays; id++) {
      await running.sockets.listen(this.socketPath(id), id);
      running.table.setSocket(id, this.socketPath(id));
    }
  }

  async #teardown(running: Running): Promise<void> {
    await Promise.all(running.servers.map((s) => s.stop()));
    for (const conn of running.vms.values()) conn.destroy();
    await running.sockets.closeAll();
  }

  async #waitVm(running: Running, id: number, connected: boolean): Promise<void> {
    const deadline = AbortSignal.timeout(2000);
    while (running.table.isVmConnected(id) !== connected) {
      const [eventId, eventConnected] = (await once(this.#vmEvents, 'vm', { signal: deadline }).catch((e: unknown) => {
        // Only the deadline is this error; anything else is thrown as it came.
        if (!(e instanceof Error && e.name === 'AbortError')) throw e;
        throw new VfkeeperError('ERR_EMULATOR_VM', `relay ${id} did not show its VM ${connected ? 'connected' : 'gone'} within 2 s`, {
          virtioId: id,
        });
      })) as [number, boolean];
      if (eventId === id && eventConnected === connected) return;
    }
  }

  #requireRunning(): Running {
    if (this.#running === null) throw new VfkeeperError('ERR_EMULATOR_STOPPED', `the forwarder emulator in ${this.dir} is not running`);
    return this.#running;
  }
}
