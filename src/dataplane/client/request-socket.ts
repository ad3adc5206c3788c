// One REQ conversation partner at one ZeroMQ endpoint: send one message,
// get one reply within a deadline, or a typed error.
//
// Invariants:
// - at most one request is in flight per endpoint; callers are queued in order;
// - a socket is reused only after an exchange that got its reply; after a
//   timeout, a refusal or any error it is closed, and the next request opens
//   a fresh one (a REQ socket that missed its reply is stuck in its state machine);
// - linger 0, so closing never waits for unsent messages;
// - "refused" is known as soon as libzmq reports a failed connect
//   (connect:retry), not after the whole deadline.
import { Request } from 'zeromq';
import { ForwarderError, HINT_START_SERVICE } from '../forwarder-error.js';

const HINT_HUNG =
  'the forwarder is running but not answering: look at journalctl -u virtio-forwarder, then systemctl restart virtio-forwarder';
import { parseEndpointProblem, readIpcPresence } from './endpoint.js';

interface OpenSocket {
  socket: Request;
  /** libzmq failed to connect since the last successful connect. */
  refused: boolean;
  inFlight: boolean;
}

export class RequestSocket {
  readonly endpoint: string;
  readonly timeoutMs: number;
  #open: OpenSocket | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  constructor(endpoint: string, timeoutMs: number) {
    this.endpoint = endpoint;
    this.timeoutMs = timeoutMs;
  }

  /** Sends `body`, resolves with the reply's bytes. `what` names the request in errors. */
  request(body: Uint8Array, what: string): Promise<Uint8Array> {
    const run = this.#queue.then(() => this.#exchange(body, what));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#closed = true;
    this.#discard();
  }

  async #exchange(body: Uint8Array, what: string): Promise<Uint8Array> {
    await this.#checkReachable(what);
    const open = this.#open ?? this.#connect(what);
    if (open.refused) {
      this.#discard();
      throw this.#refused(what);
    }
    open.inFlight = true;
    const deadline = Date.now() + this.timeoutMs;
    try {
      open.socket.sendTimeout = this.timeoutMs;
      await open.socket.send(body);
      open.socket.receiveTimeout = Math.max(1, deadline - Date.now());
      const frames = await open.socket.receive();
      return Buffer.concat(frames);
    } catch (e) {
      this.#discard();
      if (open.refused) throw this.#refused(what);
      if (this.#closed) throw this.#unreachable(what, 'the client was closed', { cause: e });
      throw new ForwarderError(
        'ERR_FORWARDER_TIMEOUT',
        `virtio-forwarder did not answer ${what} on ${this.endpoint} within ${this.timeoutMs} ms`,
        { endpoint: this.endpoint, request: what, cause: e, hint: HINT_HUNG },
      );
    } finally {
      open.inFlight = false;
    }
  }

  async #checkReachable(what: string): Promise<void> {
    if (this.#closed) throw this.#unreachable(what, 'the client was closed');
    const problem = parseEndpointProblem(this.endpoint);
    if (problem !== null) {
      throw this.#unreachable(what, problem, { hint: 'set forwarder.port_control and forwarder.stats in /etc/vfkeeper/vfkeeper.yaml' });
    }
    const presence = await readIpcPresence(this.endpoint);
    if (!presence.present) throw this.#unreachable(what, presence.reason, { errno: presence.errno });
  }

  #connect(what: string): OpenSocket {
    const socket = new Request({ linger: 0 });
    const open: OpenSocket = { socket, refused: false, inFlight: false };
    socket.events.on('connect', () => {
      open.refused = false;
    });
    socket.events.on('connect:retry', () => {
      open.refused = true;
      // Closing rejects the pending send/receive at once instead of at the deadline.
      if (open.inFlight) this.#discard();
    });
    try {
      socket.connect(this.endpoint);
    } catch (e) {
      socket.close();
      throw this.#unreachable(what, `cannot connect: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    this.#open = open;
    return open;
  }

  #discard(): void {
    const open = this.#open;
    this.#open = null;
    if (open !== null && !open.socket.closed) open.socket.close();
  }

  #refused(what: string): ForwarderError {
    return this.#unreachable(what, 'nothing is listening there (connection refused)', { errno: 'ECONNREFUSED' });
  }

  #unreachable(what: string, reason: string, extra: { errno?: string; cause?: unknown; hint?: string } = {}): ForwarderError {
    return new ForwarderError('ERR_FORWARDER_UNREACHABLE', `virtio-forwarder is unreachable for ${what} on ${this.endpoint}: ${reason}`, {
      endpoint: this.endpoint,
      request: what,
      hint: HINT_START_SERVICE,
      ...extra,
    });
  }
}
