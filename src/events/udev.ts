// The udev event source: a `udevadm monitor` child, its output cut into
// records and parsed into WakeEvents, restarted with capped back-off if it dies.
//
// Invariants:
// - At most one child runs at a time; a restart is scheduled only after the
//   previous child has closed its output, and never after stop().
// - Events are delivered in the order udev printed them, also when a VF's
//   physfn is looked up (one promise chain), and never after stop().
// - Bad output (garbage, truncated or oversized records, malformed
//   properties) is one warning each and never stops the source.
// - After a restart, onGap() is called: events in the gap are lost, so the
//   caller should resync (events are hints; the reconciler reads the host).
import { spawn, type ChildProcess } from 'node:child_process';
import { Priority, type FieldValue, type Logger } from '../journal/types.js';
import { errnoOf } from '../model/errno.js';
import type { PciAddress } from '../model/pci.js';
import { DEFAULT_BACKOFF, planRetry, type BackoffPolicy } from './backoff.js';
import { waitForChildExit } from './child-exit.js';
import { UdevParser, type UdevOutput } from './udev-parse.js';
import type { UdevEvent } from './udev-record.js';
import type { WakeEvent } from './types.js';

export const UDEVADM_MONITOR_ARGS: readonly string[] = [
  'monitor',
  '--udev',
  '--property',
  '--subsystem-match=pci',
  '--subsystem-match=net',
];

export interface UdevSourceOptions {
  onEvent: (event: WakeEvent) => void;
  /** Warnings: bad records, the child dying and being restarted. */
  logger: Logger;
  /** The udevadm binary (default: "udevadm" from PATH); tests point it at a fake. */
  command?: string;
  backoff?: BackoffPolicy;
  maxRecordChars?: number;
  /** A PCI device's PF (its physfn link), null when it has none or is gone. */
  readPhysfn?: (pci: PciAddress) => Promise<PciAddress | null>;
  /** The child was restarted: events may have been lost in between. */
  onGap?: () => void;
  /** How long start() waits for the monitor to listen (the UDEV line of its banner). */
  readyTimeoutMs?: number;
}

/** One udevadm child, from spawn to close. */
interface MonitorRun {
  child: ChildProcess;
  startedAt: number;
  parser: UdevParser;
  stderrTail: string;
  settled: boolean;
  ended: boolean;
  onSettled: (listening: boolean) => void;
}

export class UdevSource {
  private child: ChildProcess | null = null;
  private stopped = true;
  private attempt = 0;
  private restartTimer: NodeJS.Timeout | null = null;
  private delivery: Promise<void> = Promise.resolve();
  private readonly command: string;
  private readonly backoff: BackoffPolicy;

  constructor(private readonly opts: UdevSourceOptions) {
    this.command = opts.command ?? 'udevadm';
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
  }

  /** Spawns the monitor; resolves once it listens (its banner says so), failed, or readyTimeoutMs passed. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.opts.readyTimeoutMs ?? 5_000);
      this.spawnChild(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Stops the child (SIGTERM, then SIGKILL after a deadline) and any restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const child = this.child;
    this.child = null;
    if (child) await waitForChildExit(child, 3_000);
  }

  /** onSettled(true) once the child listens, or (false) once it ended before that. */
  private spawnChild(onSettled: (listening: boolean) => void): void {
    const child = spawn(this.command, [...UDEVADM_MONITOR_ARGS], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const run: MonitorRun = {
      child,
      startedAt: Date.now(),
      parser: new UdevParser(this.opts.maxRecordChars),
      stderrTail: '',
      settled: false,
      ended: false,
      onSettled,
    };
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.take(run.parser.push(chunk));
      if (run.parser.listening) this.settle(run, true);
    });
    child.stderr?.on('data', (chunk: string) => {
      run.stderrTail = (run.stderrTail + chunk).slice(-500);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (child.pid === undefined) this.endRun(run, `could not be started: ${err.message}`, err.code);
    });
    child.on('close', (code, signal) => this.endRun(run, signal ? `was killed by ${signal}` : `exited with status ${code ?? '?'}`));
  }

  private settle(run: MonitorRun, listening: boolean): void {
    if (!run.settled) run.onSettled(listening);
    run.settled = true;
  }

  private endRun(run: MonitorRun, why: string, errno?: string): void {
    if (run.ended) return;
    run.ended = true;
    this.take(run.parser.end());
    this.settle(run, false);
    const stderr = run.stderrTail.trim().split('\n').at(-1) ?? '';
    this.onChildEnded(run.child, Date.now() - run.startedAt, why, stderr, errno);
  }

  private onChildEnded(child: ChildProcess, ranMs: number, why: string, stderr: string, errno?: string): void {
    if (this.child !== child || this.stopped) return;
    this.child = null;
    const retry = planRetry(this.backoff, this.attempt, ranMs);
    this.attempt = retry.attempt;
    const detail = stderr === '' ? '' : ` (it said: ${stderr})`;
    this.warn(`udevadm monitor (${this.command}) ${why}${detail}, restarting in ${retry.delayMs} ms`, {
      ERRNO: errno,
      VFKEEPER_RETRY_MS: retry.delayMs,
    });
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopped) return;
      this.spawnChild((listening) => {
        if (listening) this.opts.onGap?.();
      });
    }, retry.delayMs);
  }

  private take(outputs: UdevOutput[]): void {
    // Output cut short by stop() is not news.
    if (this.stopped) return;
    for (const out of outputs) {
      if (out.kind === 'warning') this.warn(out.message, { UDEV_LINE: out.line });
      else this.deliver(out.event);
    }
  }

  private deliver(event: UdevEvent): void {
    const readPhysfn = this.opts.readPhysfn;
    if (!readPhysfn || event.kind !== 'pci') {
      this.delivery = this.delivery.then(() => this.emit(event));
      return;
    }
    // The PF is only a hint for routing; unreadable, the event wakes a run of all PFs, which reads the host itself.
    const lookup = readPhysfn(event.pci).catch((err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      this.warn(`cannot read the physfn link of ${event.pci} (${why}): its event wakes a run of all PFs`, {
        PCI_SLOT: event.pci,
        ERRNO: errnoOf(err),
      });
      return null;
    });
    this.delivery = this.delivery.then(async () => this.emit({ ...event, physfn: await lookup }));
  }

  private emit(event: WakeEvent): void {
    if (this.stopped) return;
    try {
      this.opts.onEvent(event);
    } catch (err) {
      // The callback's own bug must not stop the delivery of later events.
      this.opts.logger.log({ priority: Priority.err, message: `udev event handler failed: ${String(err)}` });
    }
  }

  private warn(message: string, fields: Record<string, FieldValue>): void {
    this.opts.logger.log({ priority: Priority.warning, message, fields });
  }
}
