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
import type { Logger } from '../journal/types.js';
import { Priority } from '../journal/types.js';
import { DEFAULT_BACKOFF, planRetry, type BackoffPolicy } from './backoff.js';
import { DbusConnection, errorText } from './dbus-connection.js';
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
}

export class UnitWatcher {
  private connection: DbusConnection | null = null;
  private state: string | null = null;
  private stopped = true;
  /** The next first reading is the one start() made on its first try: it emits nothing. */
  private quiet = true;
  private attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly address: string;

  constructor(private readonly opts: UnitWatcherOptions) {
    const env = opts.env ?? process.env;
    this.address = opts.busAddress ?? env.DBUS_SYSTEM_BUS_ADDRESS ?? DEFAULT_SYSTEM_BUS;
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
  }

  private async connect(): Promise<void> {
    const openedAt = Date.now();
    let conn: DbusConnection;
    try {
      conn = await DbusConnection.open(this.address, this.opts.callTimeoutMs ?? 10_000, (c, why) => this.onLost(c, openedAt, why));
    } catch (err) {
      return this.retry(0, errorText(err));
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

  private retry(ranMs: number, what: string): void {
    if (this.stopped) return;
    this.quiet = false;
    const r = planRetry(this.opts.backoff ?? DEFAULT_BACKOFF, this.attempt, ranMs);
    this.attempt = r.attempt;
    this.opts.logger.log({
      priority: Priority.warning,
      message: `${what}, retrying in ${r.delayMs} ms`,
      fields: { UNIT: this.opts.unit, VFKEEPER_RETRY_MS: r.delayMs },
    });
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.connect();
    }, r.delayMs);
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
