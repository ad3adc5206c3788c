// The emulated forwarder's vhost-user sockets: real listening unix sockets,
// owned by this process (root under systemd, as the forwarder's own are
// until something chowns them). A client connecting to one is "a VM
// connected" on its relay; the emulator does not speak vhost-user itself.
//
// Invariants:
// - every registered path has exactly one listening server;
// - a relay has a VM while at least one connection is open on its socket;
// - once a path is deregistered its connections are destroyed and no
//   further callback fires for it.
import { lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

interface Listener {
  id: number;
  server: net.Server;
  conns: Set<net.Socket>;
}

export class VhostSockets {
  readonly dir: string;
  readonly #onVm: (id: number, connected: boolean) => void;
  readonly #listeners = new Map<string, Listener>();

  constructor(dir: string, onVm: (id: number, connected: boolean) => void) {
    this.dir = dir;
    this.#onVm = onVm;
  }

  /** Creates and listens on `socketPath` for relay `id`; a stale socket file there is replaced. */
  async listen(socketPath: string, id: number): Promise<void> {
    await removeStaleSocket(socketPath);
    const listener: Listener = { id, server: net.createServer(), conns: new Set() };
    listener.server.on('connection', (conn) => this.#accept(socketPath, listener, conn));
    await new Promise<void>((resolve, reject) => {
      listener.server.once('error', reject);
      listener.server.listen(socketPath, () => {
        listener.server.off('error', reject);
        resolve();
      });
    });
    this.#listeners.set(socketPath, listener);
  }

  /** SocketRegistry: only paths directly in the socket directory, never elsewhere on the host. */
  async register(socketPath: string, id: number): Promise<boolean> {
    if (path.dirname(path.resolve(socketPath)) !== path.resolve(this.dir) || this.#listeners.has(socketPath)) return false;
    return this.listen(socketPath, id).then(
      () => true,
      () => false,
    );
  }

  async deregister(socketPath: string): Promise<void> {
    const listener = this.#listeners.get(socketPath);
    if (listener === undefined) return;
    this.#listeners.delete(socketPath);
    for (const conn of listener.conns) conn.destroy();
    // close() unlinks the socket file once the server has stopped.
    await new Promise<void>((resolve) => listener.server.close(() => resolve()));
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#listeners.keys()].map((p) => this.deregister(p)));
  }

  #accept(socketPath: string, listener: Listener, conn: net.Socket): void {
    listener.conns.add(conn);
    conn.on('error', () => conn.destroy());
    conn.resume();
    if (listener.conns.size === 1) this.#onVm(listener.id, true);
    conn.on('close', () => {
      listener.conns.delete(conn);
      if (listener.conns.size === 0 && this.#listeners.get(socketPath) === listener) this.#onVm(listener.id, false);
    });
  }
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  try {
    if ((await lstat(socketPath)).isSocket()) await unlink(socketPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
