// The resident service. Invariants:
//  - events only enqueue a lane (a PF, or all); every run re-reads the host;
//  - while paused, events are logged and nothing runs (the pause survives
//    restarts: it lives in a file);
//  - an invalid configuration never replaces the last good one, and a file
//    change is read only once the file has been quiet for CONFIG_SETTLE_MS
//    (a writer truncates first: read at once, the empty file would be the
//    built-in defaults, managing other PFs than the file being written);
//  - READY=1 is sent once, after the first full reconcile (or at once when
//    paused), so units ordered after vfkeeper see the VFs;
//  - stop() lets the run in flight finish its step list, then closes;
//  - an event whose result the last run already read (its own VFs' add and
//    bind) starts no run (reconcile/seen-events.ts says why that is sound).
import { reconcile, type RunReport } from '../reconcile/run.js';
import { ALL, createQueue, type LaneKey, type RunOutcome, type WorkQueue } from '../reconcile/queue.js';
import type { Forwarder } from '../dataplane/types.js';
import type { WakeEvent } from '../events/types.js';
import type { Host } from '../host/types.js';
import { messageIdFor } from '../journal/message-ids.js';
import { Priority, type Logger } from '../journal/types.js';
import type { Config } from '../model/config.js';
import type { PciAddress } from '../model/pci.js';
import { ThrottledMetricsWriter, createMetricsState, formatMetrics, recordRun, writeMetrics } from './metrics.js';
import { NOT_PAUSED, readPauseState, type PauseState } from './pause-state.js';
import { IdleCollector, exposedGc } from './idle-gc.js';
import { decideOutcome } from './run-outcome.js';
import { RefusedSettings } from '../reconcile/refused-settings.js';
import { scopeOf, topologyOf, type Topology } from '../reconcile/scope-of-event.js';
import { isNews } from '../reconcile/seen-events.js';
import { describeEvent, describeEvents } from '../events/describe-event.js';
import type { Observed } from '../model/observed.js';

export interface DaemonDeps {
  config: Config;
  /** Re-reads the configuration (SIGHUP, a file change); throws ConfigError. */
  loadConfig: () => Promise<Config>;
  host: Host;
  forwarder: Forwarder | null;
  /**
   * A client for the forwarder a reloaded configuration names (endpoints,
   * deadline, enabled); absent: the first client stays (tests).
   */
  openForwarder?: (config: Config) => Forwarder | null;
  logger: Logger;
  pauseFile: string;
  /**
   * Where the metrics textfile goes when daemon.metrics_file is null: node_exporter's
   * directories (default) on the real host, none for a simulated one (its figures are not this host's).
   */
  metricsDirs?: readonly string[];
  /** systemd readiness; a no-op without NOTIFY_SOCKET. */
  notifyReady: () => void;
}

/** How long the configuration files must stay unchanged before a file event reloads them. */
export const CONFIG_SETTLE_MS = 300;

export class Daemon {
  config: Config;
  /** The forwarder's client for the configuration in force. */
  forwarder: Forwarder | null;
  pause: PauseState = NOT_PAUSED;
  private topology: Topology = { pfs: new Map(), vfs: new Map() };
  /** The last run's last observation: what an event must differ from to start a run. */
  private lastObserved: Observed | null = null;
  private readonly queue: WorkQueue;
  private readonly metrics = createMetricsState();
  private readonly allWaiters: Array<(r: RunReport) => void> = [];
  private forceNext = false;
  private lastConfigError = '';
  private resync: NodeJS.Timeout | null = null;
  private configSettle: NodeJS.Timeout | null = null;
  private readonly idleGc = new IdleCollector(exposedGc());
  /** VF settings drivers refused: warned about once for the daemon's lifetime, not retried every run. */
  readonly refusedSettings = new RefusedSettings();
  private readonly metricsWriter = new ThrottledMetricsWriter(() =>
    writeMetrics(this.config.daemon.metricsFile, formatMetrics(this.metrics), this.deps.metricsDirs).catch((e: Error) =>
      this.log(Priority.warning, `Could not write the metrics file: ${e.message}, ignoring`, 'event.ignored', {}),
    ),
  );

  constructor(private readonly deps: DaemonDeps) {
    this.config = deps.config;
    this.forwarder = deps.forwarder;
    this.queue = createQueue({
      run: (key, events) => this.runLane(key, events),
      isNews: (_key, event) => isNews(event, this.lastObserved),
    });
  }

  async start(): Promise<void> {
    this.pause = await readPauseState(this.deps.pauseFile);
    if (!this.pause.paused) {
      this.queue.enqueue(ALL, { source: 'start', kind: 'start' });
      await this.queue.idle();
    }
    this.scheduleResync();
    this.deps.notifyReady();
    const paused = this.pause.paused ? `, paused: ${this.pause.reason ?? ''}` : '';
    this.log(Priority.info, `vfkeeper daemon ready (${this.topology.pfs.size} managed PFs${paused})`, 'daemon.ready', {});
  }

  onEvent(event: WakeEvent): void {
    if (event.source === 'file' && event.kind === 'config') return this.reloadWhenSettled();
    if (this.pause.paused)
      return this.log(
        Priority.info,
        `Paused (${this.pause.reason ?? ''}): ignoring ${event.source} event ${describeEvent(event)}`,
        'event.ignored',
        { VFKEEPER_EVENT: event.source },
      );
    const scope = scopeOf(event, this.topology, this.config);
    if ('lane' in scope) return this.queue.enqueue(scope.lane, event);
    this.log(Priority.debug, `Ignoring ${event.source} event ${describeEvent(event)}: ${scope.ignored}`, 'event.ignored', {
      VFKEEPER_EVENT: event.source,
    });
  }

  /** A full run on the queue (so it never races another), resolved with its report. */
  runAll(event: WakeEvent, force: boolean): Promise<RunReport> {
    return new Promise((resolve) => {
      this.allWaiters.push(resolve);
      if (force) this.forceNext = true;
      this.queue.enqueue(ALL, event);
    });
  }

  /**
   * SIGHUP and `systemctl reload` reload at once, and run; file events wait
   * until the writer is done, and run only when the files say something new
   * (a `vfkeeper reconcile` may already have applied them).
   */
  async reload(origin: 'signal' | 'file' = 'signal'): Promise<void> {
    this.cancelSettle();
    try {
      const next = await this.deps.loadConfig();
      if (origin === 'file' && sameConfig(next, this.config)) {
        this.lastConfigError = '';
        return;
      }
      this.adopt(next);
      if (!this.pause.paused) this.queue.enqueue(ALL, { source: 'file', kind: 'config', path: this.config.sources[0] ?? '' });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (message === this.lastConfigError) return;
      this.lastConfigError = message;
      this.log(Priority.err, `Invalid configuration, keeping the last good one: ${message}`, 'config.invalid', {});
    }
  }

  /**
   * For `vfkeeper reconcile`: the configuration as the files say now, so the
   * run applies what the operator just wrote (without waiting for the file
   * watch to settle). Throws ConfigError when they are invalid; the last
   * good configuration stays. A reload the watch has pending still happens
   * (after a dry run, it is what applies the change).
   */
  async refreshConfig(): Promise<void> {
    const next = await this.deps.loadConfig();
    if (!sameConfig(next, this.config)) this.adopt(next);
  }

  private adopt(config: Config): void {
    if (this.deps.openForwarder && !sameForwarder(config, this.config)) this.switchForwarder(this.deps.openForwarder(config));
    this.config = config;
    this.lastConfigError = '';
    this.log(Priority.notice, `Configuration reloaded from ${config.sources.join(', ') || 'the built-in defaults'}`, 'config.reloaded', {});
    this.scheduleResync();
  }

  /**
   * Runs started from now on talk to the new client; the old one is closed
   * once no run is in flight (one may be using it).
   */
  private switchForwarder(next: Forwarder | null): void {
    const old = this.forwarder;
    this.forwarder = next;
    if (!old) return;
    void this.queue
      .idle()
      .then(() => old.close())
      .catch((e: Error) => this.log(Priority.warning, `Could not close the previous forwarder client: ${e.message}`, 'event.ignored', {}));
  }

  private reloadWhenSettled(): void {
    this.cancelSettle();
    this.configSettle = setTimeout(() => void this.reload('file'), CONFIG_SETTLE_MS);
  }

  private cancelSettle(): void {
    if (this.configSettle) clearTimeout(this.configSettle);
    this.configSettle = null;
  }

  setPause(state: PauseState): void {
    this.pause = state;
    if (!state.paused) this.queue.enqueue(ALL, { source: 'cli', kind: 'reconcile' });
  }

  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    this.cancelSettle();
    this.idleGc.stop();
    this.log(Priority.info, 'vfkeeper daemon stopping: finishing the run in flight', 'daemon.stopping', {});
    await this.queue.stop();
    await this.metricsWriter.flush();
    await this.forwarder?.close();
  }

  /** Resolves when no run is in flight or pending (the demo and tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  topologySnapshot(): Topology {
    return this.topology;
  }

  queueStats(): { runs: number; events: number } {
    return this.queue.stats();
  }

  private scheduleResync(): void {
    if (this.resync) clearInterval(this.resync);
    this.resync = setInterval(() => this.onEvent({ source: 'timer', kind: 'resync' }), this.config.daemon.resyncSeconds * 1000);
    this.resync.unref();
  }

  private async runLane(key: LaneKey, events: WakeEvent[]): Promise<RunOutcome> {
    if (this.pause.paused) return 'ok';
    const force = key === ALL && this.forceNext;
    if (key === ALL) this.forceNext = false;
    const waiters = key === ALL ? this.allWaiters.splice(0) : [];
    const report = await reconcile(
      {
        host: this.deps.host,
        forwarder: this.forwarder,
        config: this.config,
        logger: this.deps.logger,
        refusedSettings: this.refusedSettings,
      },
      {
        event: events[0]?.source ?? 'timer',
        events: events.map((e) => e.source),
        cause: describeEvents(events),
        force,
        ...(key === ALL ? {} : { only: [key as PciAddress] }),
      },
    );
    if (report.observed) this.topology = topologyOf(report.observed);
    this.lastObserved = report.observed;
    recordRun(this.metrics, report, Math.floor(Date.now() / 1000), { config: this.config, only: key === ALL ? null : [key as PciAddress] });
    this.metricsWriter.request();
    waiters.forEach((w) => w(report));
    this.idleGc.poke();
    return this.outcomeOf(key, report);
  }

  private outcomeOf(key: LaneKey, report: RunReport): RunOutcome {
    const outcome = decideOutcome(report);
    if (outcome.kind === 'stuck') {
      this.log(Priority.err, `${key === ALL ? 'A PF' : key} is stuck: ${outcome.message}; backing off`, 'pf.stuck', {
        PCI_SLOT: key === ALL ? undefined : key,
      });
    }
    return outcome.kind;
  }

  private log(priority: Priority, message: string, key: string, fields: Record<string, string | number | undefined>): void {
    this.deps.logger.log({ priority, message, messageId: messageIdFor(key), fields });
  }
}

/** Configurations are plain data (strings, numbers, arrays, records) read from YAML. */
const sameConfig = (a: Config, b: Config): boolean => JSON.stringify(a) === JSON.stringify(b);
/** What the forwarder's client is made from: where it talks, how long it waits, and whether at all. */
const sameForwarder = (a: Config, b: Config): boolean => {
  const client = (c: Config) => [c.forwarder.enabled, c.forwarder.portControl, c.forwarder.stats, c.forwarder.timeoutMs];
  return JSON.stringify(client(a)) === JSON.stringify(client(b));
};
