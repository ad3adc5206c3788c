// One client connection of the control socket: lines in, replies out, in
// order (one request at a time per connection). Never throws: every failure
// becomes an error reply or ends this one connection. The server is
// half-open: when the client ends its side, a last line without its newline
// is still a request, and this side ends once every reply is written.
import type { Socket } from 'node:net';
import type { SimVerb } from '../host/sim/sim-verbs.js';
import { parseHookEvent, type HookDispatcher, type HookEvent } from '../events/hooks.js';
import { Priority, type Logger } from '../journal/types.js';
import { VfkeeperError, asVfkeeperError } from '../model/errors.js';
import {
  MAX_REQUEST_CHARS,
  formatErrorReply,
  formatReply,
  parseControlRequest,
  type JsonValue,
  type ParsedControlRequest,
} from './protocol.js';

/** What the daemon does for each request; a thrown VfkeeperError becomes the error reply. */
export interface ControlHandlers {
  /** cli.md's `status --json` document. */
  status(): Promise<JsonValue>;
  /** cli.md's `reconcile --json` document. */
  reconcile(options: { dryRun: boolean; force: boolean }): Promise<JsonValue>;
  /** A dispatcher hook, already validated (interface name, relevant action). */
  hook(event: HookEvent, dispatcher: HookDispatcher): Promise<JsonValue>;
  pause(reason: string): Promise<JsonValue>;
  resume(): Promise<JsonValue>;
  /** Only a daemon on a simulated host has this. */
  sim?(verb: SimVerb, pci: string | undefined): Promise<JsonValue>;
}

export function serveConnection(socket: Socket, handlers: ControlHandlers, logger: Logger): void {
  let buffer = '';
  let closing = false;
  let queue = Promise.resolve();
  const send = (text: string) => {
    if (socket.writable) socket.write(text);
  };
  socket.setEncoding('utf8');
  socket.on('error', () => undefined);
  socket.on('data', (chunk: string) => {
    if (closing) return;
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== '') queue = queue.then(async () => send(await answer(line, handlers, logger)));
    }
    if (buffer.length <= MAX_REQUEST_CHARS) return;
    closing = true;
    buffer = '';
    const tooLong = new VfkeeperError('ERR_CONTROL_REQUEST', `control request is longer than ${MAX_REQUEST_CHARS} characters`, {
      hint: 'send one JSON object per line',
    });
    queue = queue.then(() => void socket.end(formatErrorReply(tooLong)));
  });
  socket.on('end', () => {
    const last = closing ? '' : buffer;
    buffer = '';
    closing = true;
    if (last.trim() !== '') queue = queue.then(async () => send(await answer(last, handlers, logger)));
    queue = queue.then(() => void socket.end());
  });
}

async function answer(line: string, handlers: ControlHandlers, logger: Logger): Promise<string> {
  try {
    const result = await dispatch(parseControlRequest(line), handlers);
    return formatReply({ ok: true, result: result ?? null });
  } catch (err) {
    if (!(err instanceof VfkeeperError)) {
      logger.log({ priority: Priority.err, message: `control request failed unexpectedly: ${String(err)}` });
    }
    return formatErrorReply(asVfkeeperError(err));
  }
}

async function dispatch(request: ParsedControlRequest, handlers: ControlHandlers): Promise<JsonValue> {
  switch (request.request) {
    case 'status':
      return handlers.status();
    case 'reconcile':
      return handlers.reconcile({ dryRun: request.dryRun, force: request.force });
    case 'hook': {
      const hook = parseHookEvent(request.source, request.netdev, request.action);
      if (hook.kind === 'error') throw hook.error;
      if (hook.kind === 'ignored') return { ignored: hook.reason };
      return handlers.hook(hook.event, hook.dispatcher);
    }
    case 'pause':
      return handlers.pause(request.reason);
    case 'resume':
      return handlers.resume();
    case 'sim':
      if (!handlers.sim) throw new VfkeeperError('ERR_CONTROL_REQUEST', 'this daemon does not run against a simulated host');
      return handlers.sim(request.verb, request.pci);
  }
}
