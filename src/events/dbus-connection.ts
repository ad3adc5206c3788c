// One dbus-next connection with the two things dbus-next lacks: a deadline
// on connecting and on each call (a call on a dead connection never
// settles), and one notice when the connection is lost (MessageBus emits no
// close event; its connection object emits 'end').
//
// Invariants:
// - onLost fires at most once, and never after close().
// - After close() or onLost, the connection is not used again: the owner
//   opens a new one (match rules, Subscribe and proxies go with the old one).
// - Calls in flight when it is lost or closed fail at once (ERR_DBUS_LOST)
//   instead of waiting for their deadline.
import { EventEmitter } from 'node:events';
import dbus from 'dbus-next';
import { VfkeeperError } from '../model/errors.js';
import { errnoOf } from '../model/errno.js';

export class DbusConnection {
  private done = false;
  private readonly pending = new Set<(err: Error) => void>();

  private constructor(
    readonly bus: dbus.MessageBus,
    private readonly address: string,
    private readonly callTimeoutMs: number,
  ) {}

  /** Connects and says Hello; rejects with ERR_DBUS_CONNECT on error or after timeoutMs. */
  static async open(address: string, timeoutMs: number, onLost: (conn: DbusConnection, reason: string) => void): Promise<DbusConnection> {
    const bus = dbus.sessionBus({ busAddress: address });
    const conn = new DbusConnection(bus, address, timeoutMs);
    try {
      await conn.withDeadline(
        new Promise<void>((resolve, reject) => {
          bus.once('connect', () => resolve());
          bus.once('error', (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
        }),
        'connecting',
      );
    } catch (err) {
      conn.close();
      const errno = errnoOf(err);
      throw new VfkeeperError('ERR_DBUS_CONNECT', `cannot connect to D-Bus at ${formatBusAddress(address)}: ${describeConnectError(err)}`, {
        path: address,
        cause: err,
        ...(errno === undefined ? {} : { errno }),
        hint: 'is dbus running? the address comes from DBUS_SYSTEM_BUS_ADDRESS, else /run/dbus/system_bus_socket',
      });
    }
    conn.watchLoss(onLost);
    return conn;
  }

  /** The call's result, or ERR_DBUS_TIMEOUT when the bus does not answer in time. */
  async call<T>(what: string, promise: Promise<T>): Promise<T> {
    return this.withDeadline(promise, what);
  }

  close(): void {
    // A closed connection's late errors (its Hello, its match rules) mean nothing.
    this.bus.on('error', () => undefined);
    if (this.done) return;
    this.done = true;
    const closed = this.closedError();
    for (const reject of this.pending) reject(closed);
    this.pending.clear();
    try {
      this.bus.disconnect();
    } catch {
      // Already closed underneath: nothing left to release.
    }
  }

  private watchLoss(onLost: (conn: DbusConnection, reason: string) => void): void {
    const lost = (reason: string) => {
      if (this.done) return;
      this.close();
      onLost(this, reason);
    };
    this.bus.on('error', (err: unknown) => lost(errorText(err)));
    // The MessageBus keeps its connection private and emits nothing when the
    // peer hangs up; the connection object itself does emit 'end'.
    const connection: unknown = Reflect.get(this.bus, '_connection');
    if (connection instanceof EventEmitter) connection.once('end', () => lost('the bus closed the connection'));
  }

  private closedError(): VfkeeperError {
    return new VfkeeperError('ERR_DBUS_LOST', `the D-Bus connection to ${this.address} is closed`, { path: this.address });
  }

  private withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.done) return reject(this.closedError());
      const settle = () => {
        clearTimeout(timer);
        this.pending.delete(reject);
      };
      this.pending.add(reject);
      const timer = setTimeout(() => {
        this.pending.delete(reject);
        reject(
          new VfkeeperError('ERR_DBUS_TIMEOUT', `D-Bus at ${this.address}: no answer after ${this.callTimeoutMs} ms ${what}`, {
            path: this.address,
            hint: 'the bus or systemd is overloaded or hung; vfkeeper reconnects by itself',
          }),
        );
      }, this.callTimeoutMs);
      promise.then(
        (v) => {
          settle();
          resolve(v);
        },
        (e: unknown) => {
          settle();
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  }
}

/** `unix:path=/run/dbus/system_bus_socket` as the path an operator can look at; other addresses as they are. */
export function formatBusAddress(address: string): string {
  const path = /^unix:path=([^,;]+)$/.exec(address)?.[1];
  return path ?? address;
}

const CONNECT_ERRNOS: Readonly<Record<string, string>> = {
  ENOENT: 'no socket there (ENOENT)',
  ECONNREFUSED: 'nothing listens on it (ECONNREFUSED)',
  EACCES: 'permission denied (EACCES)',
};

/**
 * Why connecting failed, in the operator's words: the errno when there is
 * one, else the error's text without the socket library's C++ source
 * location ("USocket socket '../src/uwrap.cc:525'").
 */
export function describeConnectError(err: unknown): string {
  const errno = errnoOf(err);
  if (errno !== undefined) return CONNECT_ERRNOS[errno] ?? errno;
  return (
    errorText(err)
      .replace(/,?\s*[\w ]*'[^']*\.(?:cc|cpp|cxx|c|h):\d+'/g, '')
      .trim() || 'the connection failed'
  );
}

export function errorText(err: unknown): string {
  if (err instanceof dbus.DBusError) return `${err.type}: ${err.text}`;
  return err instanceof Error ? err.message : String(err);
}
