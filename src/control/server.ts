// The daemon's control socket: a unix stream socket, mode 0600, one JSON
// request per line, one JSON reply per line, served by the handlers the
// daemon passes in.
//
// Invariants:
// - The socket is never reachable with wider permissions than 0600: it is
//   bound in a private 0700 directory next to the final path, chmod-ed,
//   then renamed into place.
// - start() refuses (ERR_CONTROL_SOCKET_BUSY) when a daemon answers at the
//   path, replaces a stale socket file, and never removes anything that is
//   not a socket.
// - stop() removes the socket file only if it is still ours (same inode).
// - Bad input gets an error reply; a connection's failure never reaches
//   another connection or the daemon.
import { mkdir, mkdtemp, chmod, rename, rmdir, lstat, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { Priority, type Logger } from '../journal/types.js';
import { errnoOf, ifAbsent } from '../model/errno.js';
import { VfkeeperError } from '../model/errors.js';
import { probeControlSocket } from './client.js';
import { serveConnection, type ControlHandlers } from './connection.js';

export type { ControlHandlers } from './connection.js';

export const DEFAULT_CONTROL_SOCKET = '/run/vfkeeper/control.sock';
/** sun_path is 108 bytes with its NUL; our temporary name adds up to 22. */
const MAX_SOCKET_PATH_BYTES = 107 - 22;

export interface ControlServerOptions {
  path: string;
  handlers: ControlHandlers;
  /** Handler failures that are not VfkeeperErrors (bugs), and replaced stale sockets. */
  logger: Logger;
}

export class ControlServer {
  private server: Server | null = null;
  private inode: number | null = null;
  private readonly connections = new Set<Socket>();

  constructor(private readonly opts: ControlServerOptions) {}

  async start(): Promise<void> {
    const { path } = this.opts;
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
      throw new VfkeeperError('ERR_CONTROL_SOCKET_PATH', `control socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes`, {
        path,
        hint: 'choose a shorter --control-socket path (unix socket paths are limited to 107 bytes)',
      });
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o755 });
    await this.clearPath(path);
    this.server = await this.listenPrivately(path);
    this.inode = (await lstat(path)).ino;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
    // A socket file left behind is replaced by the next start (clearPath); say why it was left.
    try {
      const now = await ifAbsent(() => lstat(this.opts.path), null);
      if (now && now.ino === this.inode) await ifAbsent(() => unlink(this.opts.path), undefined);
    } catch (e) {
      this.opts.logger.log({
        priority: Priority.warning,
        message: `control socket ${this.opts.path} not removed at stop (${errnoOf(e) ?? String(e)}); the next start replaces it`,
        fields: { ERRNO: errnoOf(e) },
      });
    }
  }

  /** Refuses a live daemon or a non-socket; removes a stale socket file. */
  private async clearPath(path: string): Promise<void> {
    // Only a path that is not there is free: one that cannot be read is an error, named.
    const st = await ifAbsent(() => lstat(path), null);
    if (!st) return;
    if (!st.isSocket()) {
      throw new VfkeeperError('ERR_CONTROL_SOCKET_PATH', `control socket path ${path} exists and is not a socket`, {
        path,
        hint: 'remove it or choose another --control-socket path',
      });
    }
    const state = await probeControlSocket(path);
    if (state === 'answering') {
      throw new VfkeeperError('ERR_CONTROL_SOCKET_BUSY', `another vfkeeper daemon answers on ${path}`, {
        path,
        hint: 'stop it first (systemctl stop vfkeeper), or give this one another --control-socket',
      });
    }
    if (state === 'stale') {
      await ifAbsent(() => unlink(path), undefined);
      this.opts.logger.log({ priority: Priority.notice, message: `removed the stale control socket ${path}`, fields: { PATH: path } });
    }
  }

  private async listenPrivately(path: string): Promise<Server> {
    const dir = await mkdtemp(join(dirname(path), '.vfkeeper-ctl-'));
    const temp = join(dir, 's');
    // allowHalfOpen: a client that shuts its side down after its request
    // (`printf ... | socat - UNIX-CONNECT:...`) still gets its reply;
    // serveConnection ends the socket once the replies are written.
    const server = createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(temp, () => resolve());
      });
      server.on('error', () => undefined);
      await chmod(temp, 0o600);
      await rename(temp, path);
      return server;
    } catch (err) {
      server.close();
      throw new VfkeeperError('ERR_CONTROL_SOCKET', `cannot listen on ${path}: ${String(err instanceof Error ? err.message : err)}`, {
        path,
        cause: err,
      });
    } finally {
      await this.removePrivateDir(dir, temp);
    }
  }

  /** The listening directory, once the socket has been renamed out of it (or failed): only "already gone" is quiet. */
  private async removePrivateDir(dir: string, temp: string): Promise<void> {
    try {
      await ifAbsent(() => unlink(temp), undefined);
      await ifAbsent(() => rmdir(dir), undefined);
    } catch (e) {
      this.opts.logger.log({
        priority: Priority.warning,
        message: `could not remove ${dir}, left from setting up the control socket (${errnoOf(e) ?? String(e)})`,
        fields: { PATH: dir, ERRNO: errnoOf(e) },
      });
    }
  }

  private accept(socket: Socket): void {
    this.connections.add(socket);
    socket.on('close', () => this.connections.delete(socket));
    serveConnection(socket, this.opts.handlers, this.opts.logger);
  }
}
