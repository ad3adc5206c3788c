// `vfkeeper daemon`: the resident service. The composition root of the
// daemon: configuration, host, forwarder, journal, control socket, event
// sources; then it runs until SIGTERM (SIGHUP reloads the configuration).
import { ControlServer } from '../../control/server.js';
import { Daemon } from '../../daemon/daemon.js';
import { createHandlers } from '../../daemon/handlers.js';
import { hostStateFor, pauseFileIn } from '../host-state.js';
import { TEXTFILE_DIRS } from '../../daemon/metrics.js';
import type { Command } from '../command.js';
import { forwarderFor, openConfig, openForwarder, openHost, openLogger } from '../compose.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper daemon

  The resident service: a full reconcile at start, then udev, dispatcher hooks,
  the forwarder's unit (D-Bus), file watches and a slow resync wake it.
  Readiness (READY=1) after the first full reconcile; SIGHUP reloads the
  configuration; SIGTERM finishes the run in flight and exits.`;

export const daemonCommand: Command = {
  name: 'daemon',
  usage,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, usage);
    // Loaded here, not at the top: udev, D-Bus and file watching cost every other command ~35 ms of start-up (bench/RESULTS.md).
    const [{ startSources }, { default: notify }] = await Promise.all([import('../../daemon/sources.js'), import('sd-notify')]);
    const config = await openConfig(ctx.globals);
    const host = await openHost(ctx.globals, config, ctx.env, { durable: true, resident: true });
    const forwarder = await openForwarder(config);
    const logger = await openLogger(ctx);
    const state = hostStateFor(ctx.globals, ctx.env);
    const file = pauseFileIn(state);
    const daemon = new Daemon({
      config,
      loadConfig: () => openConfig(ctx.globals),
      host,
      forwarder,
      openForwarder: forwarderFor,
      logger,
      pauseFile: file,
      metricsDirs: state.realHost ? TEXTFILE_DIRS : [],
      notifyReady: () => notify.ready(),
    });
    const control = new ControlServer({
      path: ctx.globals.controlSocket,
      handlers: createHandlers({ daemon, host, logger, pauseFile: file }),
      logger,
    });
    try {
      await control.start();
    } catch (e) {
      await logger.close();
      throw e;
    }
    const sources = await startSources({
      host,
      config,
      configPath: ctx.globals.config,
      logger,
      emit: (e) => daemon.onEvent(e),
      env: ctx.env,
    });
    const stopped = waitForStop(() => void daemon.reload());
    await daemon.start();
    await stopped;
    await sources.stop();
    await daemon.stop();
    await control.stop();
    await logger.close();
    return 0;
  },
};

function waitForStop(onHup: () => void): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGHUP', onHup);
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.on('SIGHUP', onHup);
  });
}
