// The control socket's requests, answered by the running daemon.
import { observe } from '../reconcile/observe.js';
import { reconcile } from '../reconcile/run.js';
import { buildStatus } from '../report/status.js';
import type { ControlHandlers } from '../control/server.js';
import type { JsonValue } from '../control/protocol.js';
import { formatAcceptedHook, formatIgnoredHook } from '../events/hooks.js';
import type { Host } from '../host/types.js';
import { messageIdFor } from '../journal/message-ids.js';
import { Priority, type Logger } from '../journal/types.js';
import { VfkeeperError } from '../model/errors.js';
import { runJson } from '../report/format-run.js';
import type { Daemon } from './daemon.js';
import { writePauseState } from './pause-state.js';
import { ALL } from '../reconcile/queue.js';
import { scopeOf } from '../reconcile/scope-of-event.js';

export interface HandlerDeps {
  daemon: Daemon;
  host: Host;
  logger: Logger;
  pauseFile: string;
}

const json = (v: unknown): JsonValue => JSON.parse(JSON.stringify(v)) as JsonValue;

export function createHandlers(d: HandlerDeps): ControlHandlers {
  const handlers: ControlHandlers = {
    async status() {
      const { observed } = await observe(d.host, d.daemon.config, d.daemon.forwarder);
      return json(buildStatus(d.daemon.config, observed, d.daemon.pause));
    },
    async reconcile({ dryRun, force }) {
      await d.daemon.refreshConfig();
      if (dryRun) {
        const report = await reconcile(
          {
            host: d.host,
            forwarder: d.daemon.forwarder,
            config: d.daemon.config,
            logger: d.logger,
            refusedSettings: d.daemon.refusedSettings,
          },
          { event: 'cli', dryRun: true, force },
        );
        return json({ ...runJson(report, d.daemon.config), exit_status: report.exitStatus });
      }
      if (d.daemon.pause.paused) {
        throw new VfkeeperError('ERR_PAUSED', `vfkeeper is paused (${d.daemon.pause.reason ?? 'no reason given'}): nothing is changed`, {
          hint: 'vfkeeper resume',
        });
      }
      const report = await d.daemon.runAll({ source: 'cli', kind: 'reconcile' }, force);
      return json({ ...runJson(report, d.daemon.config), exit_status: report.exitStatus });
    },
    async hook(event) {
      const scope = scopeOf(event, d.daemon.topologySnapshot(), d.daemon.config);
      if ('ignored' in scope) {
        // The dispatcher that ran the hook shows nothing: the journal is where an operator looks.
        d.logger.log(formatIgnoredHook(event.netdev, event.action, scope.ignored));
        return { ignored: scope.ignored };
      }
      d.logger.log(formatAcceptedHook(event.netdev, event.action, scope.lane === ALL ? null : scope.lane));
      d.daemon.onEvent(event);
      return { accepted: true, lane: scope.lane, paused: d.daemon.pause.paused };
    },
    async pause(reason) {
      const state = { paused: true, reason, since: new Date().toISOString() };
      await writePauseState(d.pauseFile, state);
      d.daemon.setPause(state);
      d.logger.log({
        priority: Priority.notice,
        message: `Paused: ${reason}`,
        messageId: messageIdFor('daemon.paused'),
        fields: { VFKEEPER_REASON: reason },
      });
      return json(state);
    },
    async resume() {
      const state = { paused: false, reason: null, since: null };
      await writePauseState(d.pauseFile, state);
      d.daemon.setPause(state);
      d.logger.log({ priority: Priority.notice, message: 'Resumed: events act again', messageId: messageIdFor('daemon.resumed') });
      return json(state);
    },
  };
  const simulation = d.host.simulation;
  if (simulation !== null) {
    handlers.sim = async (verb, pci) => {
      await simulation.apply(verb, pci);
      await d.host.commit();
      return { done: verb };
    };
  }
  return handlers;
}
