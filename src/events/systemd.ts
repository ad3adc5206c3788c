// The forwarder unit's ActiveState over D-Bus: an event when it becomes
// active again, so the daemon re-attaches every relay the forwarder forgot.
//
// Invariants (style.md point 13: dbus-next leaks match rules when listeners
// come and go):
// - At most one connection at a time; per connection exactly one Subscribe(),
//   one proxy for the unit (GetUnit, else LoadUnit) and one PropertiesChanged
//   listener, all made when it opens and dropped with it.
// - An event is emitted when ActiveState turns "active" after being anything
//   else, and after every reconnect or retry that finds it active (a restart
//   may have happened while we were away). The reading made by start() when
//   it connects at once emits nothing: the start-up reconcile covers it.
// - A lost or failed connection is retried with capped back-off until stop().
// - While the bus's socket is missing or refuses (no system bus: a container,
//   a host booting without dbus yet), its directory is watched (inotify, no
//   timer) and a change there connects at once; the back-off then does not
//   stay at its short cap forever but goes on to busAbsentMaxMs, so that a
//   daemon at rest does not wake every 30 s for a bus that is not there.
import { dirname } from 'node:path';
import type { Logger } from '../journal/types.js';
import { Priority } from '../journal/types.js';
import { DEFAULT_BACKOFF, planRetry, type BackoffPolicy } from './backoff.js';
import { DbusConnection, errorText } from './dbus-connection.js';
import { DirectoryWatch } from './files-directory.js';
import { errnoOf } from '../model/errno.js';
import { watchUnitState } from './systemd-unit.js';
import type { WakeEvent } from './types.js';

export const DEFAULT_SYSTEM_BUS = 'unix:path=/run/dbus/system_bus_socket';

export interface UnitWatcherOptions {
  /** e.g. "virtio-forwarder.service" */
  unit: string;
  onEvent: (event: WakeEvent) => void;
  /** Warnings: the connection lost or refused, and each retry. */
  logger: Logger;
  /** Default: DBUS_SYSTEM_BUS_ADDRESS from env, else the system bus socket. */
  busAddress?: string;
  env?: Readonly<Record<string, string | undefined>>;
  backoff?: BackoffPolicy;
  /** Deadline for connecting and for each call, ms. */
  callTimeoutMs?: number;
  /** Retry delay once the back-off reaches its cap while the bus socket is missing and watched, ms. */
  busAbsentMaxMs?: number;
}

/** Ten minutes: the socket's directory watch is what finds the bus; this only covers a change inotify cannot see. */
export const BUS_ABSENT_MAX_MS = 600_000;

/** The bus is not there (no socket, or nothing listening on it), as opposed to a bus that answers badly. */
const BUS_ABSENT = new Set(['ENOENT', 'ECONNREFUSED']);

export class UnitWatcher {
  private connection: DbusConnection | null = null;
  private state: string | null = null;
  private stopped = true;
  /** The next first reading is the one start() made on its first try: it emits nothing. */
  private quiet = true;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly address: string;
  /** The bus socket's path for a unix:path= address, which can be waited for; null for any other address. */
  private readonly socketPath: string | null;
  /** The socket's directory, watched from the first time the bus was found absent until stop(). */
  private busWatch: DirectoryWatch | null = null;
  private connecting = false;

  constructor(private readonly opts: UnitWatcherOptions) {
    const env = opts.env ?? process.env;
    this.address = opts.busAddress ?? env.DBUS_SYSTEM_BUS_ADDRESS ?? DEFAULT_SYSTEM_BUS;
    this.socketPath = /^unix:path=([^,;]+)$/.exec(this.address)?.[1] ?? null;
  }

  /** The unit's ActiveState as last seen, null before the first reading. */
  get activeState(): string | null {
    return this.state;
  }

  /** Resolves after the first attempt to connect (a failure is retried in the background). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.quiet = true;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connection?.close();
    this.connection = null;
    const busWatch = this.busWatch;
    this.busWatch = null;
    await busWatch?.stop();
  }

  private async connect(): Promise<void> {
    const openedAt = Date.now();
    let conn: DbusConnection;
    this.connecting = true;
    try {
      conn = await DbusConnection.open(this.address, this.opts.callTimeoutMs ?? 10_000, (c, why) => this.onLost(c, openedAt, why));
    } catch (err) {
      const absent = BUS_ABSENT.has(errnoOf(err) ?? '');
      if (absent) await this.watchBusSocket();
      return this.retry(0, errorText(err), absent);
    } finally {
      this.connecting = false;
    }
    if (this.stopped) return conn.close();
    this.connection = conn;
    try {
      await watchUnitState(conn, this.opts.unit, {
        onReading: (initial, state) => {
          if (this.connection === conn) this.onReading(initial, state);
        },
        onProblem: (message) => this.opts.logger.log({ priority: Priority.warning, message, fields: { UNIT: this.opts.unit } }),
      });
    } catch (err) {
      // Lost meanwhile (or stopped): whoever cleared this.connection has taken care of it.
      if (this.connection !== conn) return;
      this.connection = null;
      conn.close();
      this.retry(0, `cannot watch ${this.opts.unit} over D-Bus at ${this.address}: ${errorText(err)}`);
    }
  }

  private onReading(initial: boolean, state: string): void {
    const before = this.state;
    this.state = state;
    if (initial) {
      // start()'s own first reading is covered by the start-up reconcile; any
      // later one (a retry, a reconnect) may hide a restart we did not see.
      if (!this.quiet && state === 'active') this.emit();
      this.quiet = false;
      return;
    }
    if (state === 'active' && before !== 'active') this.emit();
  }

  private onLost(conn: DbusConnection, openedAt: number, why: string): void {
    if (this.stopped || this.connection !== conn) return;
    this.connection = null;
    this.retry(Date.now() - openedAt, `lost the D-Bus connection at ${this.address} (${why}) watching ${this.opts.unit}`);
  }

  /** From the first time the bus is found absent: its socket's directory, for the socket appearing. Never rejects. */
  private async watchBusSocket(): Promise<void> {
    if (this.busWatch !== null || this.socketPath === null || this.stopped) return;
    const socket = this.socketPath;
    const dir = dirname(socket);
    const w = new DirectoryWatch(dir, {
      onChange: (path) => {
        if (path === socket || path === dir) this.onBusSocketChange();
      },
      onProblem: (message) => this.opts.logger.log({ priority: Priority.warning, message, fields: { UNIT: this.opts.unit } }),
    });
    this.busWatch = w;
    await w.start();
    if (this.stopped || this.busWatch !== w) await w.stop();
  }

  /** The bus socket appeared or changed: connect now if we are waiting; a failure then starts the back-off afresh. */
  private onBusSocketChange(): void {
    if (this.stopped || this.connection !== null) return;
    this.attempt = 0;
    if (this.connecting || this.timer === null) return;
    clearTimeout(this.timer);
    this.timer = null;
    void this.connect();
  }

  /** absent: the bus is not there and its socket is watched, so a capped delay may grow on to busAbsentMaxMs. */
  private retry(ranMs: number, what: string, absent = false): void {
    if (this.stopped) return;
    this.quiet = false;
    const policy = this.opts.backoff ?? DEFAULT_BACKOFF;
    const r = planRetry(policy, this.attempt, ranMs);
    this.attempt = r.attempt;
    const delayMs =
      absent && this.busWatch !== null && r.delayMs >= policy.maxMs ? (this.opts.busAbsentMaxMs ?? BUS_ABSENT_MAX_MS) : r.delayMs;
    const waiting = absent && this.busWatch !== null ? ` or when ${this.socketPath ?? this.address} appears` : '';
    this.opts.logger.log({
      priority: Priority.warning,
      message: `${what}, retrying in ${delayMs} ms${waiting}`,
      fields: { UNIT: this.opts.unit, VFKEEPER_RETRY_MS: delayMs },
    });
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.connect();
    }, delayMs);
  }

  private emit(): void {
    if (this.stopped) return;
    try {
      this.opts.onEvent({ source: 'unit', kind: 'forwarder-active', unit: this.opts.unit });
    } catch (err) {
      this.opts.logger.log({ priority: Priority.err, message: `unit event handler failed: ${String(err)}` });
    }
  }
}
