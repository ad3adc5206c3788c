// The composition root of every command: configuration, host (real or
// simulated), forwarder and logger are made here once and passed down.
// The real host's modules, the simulator's and the journal logger are
// imported when a command makes one, not with this module: a command uses
// one kind of host, and the ones that only read (status, libvirt-xml) log
// nothing, so each one-off command loads less (bench/RESULTS.md, 0c).
import { loadConfig } from '../config/load-config.js';
import type { Forwarder } from '../dataplane/types.js';
import { createZmqForwarder } from '../dataplane/zmq-forwarder.js';
import { withWriteDeadline } from '../host/deadline-sysfs.js';
import type { Host } from '../host/types.js';
import type { ClosableLogger, LogEntry } from '../journal/types.js';
import type { Config } from '../model/config.js';
import type { CommandContext, GlobalOptions } from './command.js';
import { hostStateFor } from './host-state.js';
import { createRelayNumberFile } from '../host/relay-numbers-file.js';
import { createStaticVfFile } from '../host/static-vfs-file.js';

export async function openConfig(globals: GlobalOptions): Promise<Config> {
  return loadConfig(globals.config);
}

export async function openHost(
  globals: GlobalOptions,
  config: Config,
  env: NodeJS.ProcessEnv,
  options: { durable?: boolean; resident?: boolean } = {},
): Promise<Host> {
  const timeout = config.daemon.writeTimeoutMs;
  const relayNumbers = createRelayNumberFile(`${hostStateFor(globals, env).dir}/relay-numbers.json`);
  if (globals.simulate !== undefined) {
    const { createSimHost, loadSimState } = await import('../host/sim/sim-host.js');
    const sim = await loadSimState(globals.simulate);
    const host = createSimHost(sim, {
      file: globals.simulate,
      durable: options.durable === true,
      relayNumbers,
      staticVfs: createStaticVfFile(),
    });
    return { ...host, sysfs: withWriteDeadline(host.sysfs, timeout) };
  }
  const root = globals.sysfsRoot ?? '/sys';
  // The daemon writes on its share of libuv's pool, then from threads (nothing
  // to start on its event path); a one-off command from child processes, so
  // a hung write cannot keep it from exiting. The pool's size is the one libuv
  // read from this process's own environment.
  const resident = options.resident === true;
  const [
    { createRealFiles },
    { createRealFirmware },
    { UDEV_RUN_DIR, createRealNetTools },
    { runTool },
    { createRealSysfs },
    { poolWriteShare },
    { createRealWorkload },
  ] = await Promise.all([
    import('../host/real/files.js'),
    import('../host/real/firmware.js'),
    import('../host/real/net-tools.js'),
    import('../host/real/run-tool.js'),
    import('../host/real/sysfs.js'),
    import('../host/real/sysfs-writer.js'),
    import('../host/real/workload.js'),
  ]);
  const sysfs = createRealSysfs({
    root,
    explicit: globals.sysfsRoot !== undefined,
    env,
    writer: resident ? 'thread' : 'process',
    poolWrites: resident ? poolWriteShare(process.env) : 0,
  });
  return {
    kind: 'real',
    sysfs: withWriteDeadline(sysfs, timeout),
    // udev looks after the real /sys only.
    net: createRealNetTools({ udevDir: globals.sysfsRoot === undefined ? UDEV_RUN_DIR : null }),
    modules: { load: async (name) => void (await runTool('modprobe', [name])) },
    workload: createRealWorkload(),
    files: createRealFiles(),
    firmware: createRealFirmware(),
    relayNumbers,
    staticVfs: createStaticVfFile(),
    simulation: null,
    commit: async () => undefined,
  };
}

export async function openForwarder(config: Config): Promise<Forwarder | null> {
  return forwarderFor(config);
}

/** The forwarder's client a configuration names; null when relay management is off. */
export function forwarderFor(config: Config): Forwarder | null {
  return config.forwarder.enabled ? createZmqForwarder(config.forwarder) : null;
}

/** The unit whose journal (`journalctl -u`) shows what a command does to this host. */
export const SERVICE_UNIT = 'vfkeeper.service';

/**
 * The journal when journald listens, else stderr (`<N>` lines for journald,
 * plain ones for a person); close() before exiting. A command acting on the
 * real host (a hook with no daemon, `vfkeeper reconcile`) logs its entries
 * as about vfkeeper.service, so `journalctl -u vfkeeper` shows them; one
 * aimed at a simulated host or another sysfs tree does not.
 */
export async function openLogger(ctx: CommandContext, omitOnTerminal?: (entry: LogEntry) => boolean): Promise<ClosableLogger> {
  const { createLogger } = await import('../journal/create-logger.js');
  const realHost = ctx.globals.simulate === undefined && ctx.globals.sysfsRoot === undefined;
  return createLogger({
    stream: ctx.stderr,
    env: ctx.env,
    ...(realHost ? { aboutUnit: SERVICE_UNIT } : {}),
    ...(omitOnTerminal === undefined ? {} : { omitOnTerminal }),
  });
}

/** Entries of a run, which a command that prints the run itself need not repeat on a terminal. */
export const isRunEntry = (entry: LogEntry): boolean => entry.fields?.['VFKEEPER_RUN'] !== undefined;

/** For commands that only read (status, libvirt-xml): nothing to log, no journal worker to start. */
export const silentLogger: ClosableLogger = { log: () => undefined, flush: async () => undefined, close: async () => undefined };

export interface RunContextHandle {
  config: Config;
  host: Host;
  forwarder: Forwarder | null;
  logger: ClosableLogger;
  /** Closes the forwarder's sockets and the logger (flushing it). */
  close(): Promise<void>;
}

/** Everything a run needs, in one call, for commands that reconcile or observe. */
export async function openRunContext(
  ctx: CommandContext,
  options: { logs: boolean; omitOnTerminal?: (entry: LogEntry) => boolean } = { logs: true },
): Promise<RunContextHandle> {
  const config = await openConfig(ctx.globals);
  const host = await openHost(ctx.globals, config, ctx.env);
  const forwarder = await openForwarder(config);
  const logger = options.logs ? await openLogger(ctx, options.omitOnTerminal) : silentLogger;
  return {
    config,
    host,
    forwarder,
    logger,
    async close() {
      await forwarder?.close();
      await logger.close();
    },
  };
}
