// One REP endpoint of the emulated forwarder: receive a request, hand it to
// the handler, send its reply, shaped by the endpoint's misbehaviour.
//
// Invariants:
// - requests are handled one at a time, in order (REP's own rule);
// - a silent endpoint holds its request until the behaviour changes or the
//   server stops, then sends the real reply, which libzmq drops if the
//   client has gone (so a fresh client socket is served normally);
// - after stop() resolves, the socket is closed and its ipc file removed
//   (libzmq itself leaves it behind).
import { lstat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Reply } from 'zeromq';
import { GARBAGE, type Behaviour } from './misbehaviour.js';

export type Handler = (request: Uint8Array) => Promise<Uint8Array>;
/** The reply the endpoint sends when told to answer 'error'. */
export type ErrorReply = (errorCode: number | undefined, source: string | undefined) => Uint8Array;

export class RepServer {
  readonly endpoint: string;
  readonly behaviour: Behaviour;
  readonly #handler: Handler;
  readonly #errorReply: ErrorReply;
  #socket: Reply | null = null;
  #loop: Promise<void> = Promise.resolve();
  #abort = new AbortController();

  constructor(endpoint: string, handler: Handler, errorReply: ErrorReply, behaviour: Behaviour) {
    this.endpoint = endpoint;
    this.behaviour = behaviour;
    this.#handler = handler;
    this.#errorReply = errorReply;
  }

  async start(): Promise<void> {
    const socket = new Reply({ linger: 0 });
    await socket.bind(this.endpoint);
    this.#socket = socket;
    this.#abort = new AbortController();
    // The loop never rejects: a failing handler is answered, not thrown.
    this.#loop = this.#serve(socket);
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = null;
    if (socket === null) return;
    this.#abort.abort();
    this.behaviour.release();
    socket.close();
    await this.#loop;
    // libzmq leaves the ipc file behind; a forwarder that is gone should look gone.
    const ipcPath = this.endpoint.startsWith('ipc://') ? this.endpoint.slice('ipc://'.length) : null;
    if (ipcPath !== null) await unlinkSocket(ipcPath);
  }

  async #serve(socket: Reply): Promise<void> {
    while (!socket.closed) {
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch {
        return; // closed by stop()
      }
      const reply = await this.#shape(Buffer.concat(frames), socket).catch(() => this.#errorReply(undefined, undefined));
      if (socket.closed) return;
      await socket.send(reply).catch(() => undefined);
    }
  }

  async #shape(request: Uint8Array, socket: Reply): Promise<Uint8Array> {
    for (;;) {
      const m = this.behaviour.current;
      switch (m.kind) {
        case 'none':
          return this.#handler(request);
        case 'garbage':
          return m.bytes ?? GARBAGE;
        case 'error':
          return this.#errorReply(m.errorCode, m.source);
        case 'slow':
          await sleep(m.delayMs, undefined, { signal: this.#abort.signal }).catch(() => undefined);
          return this.#handler(request);
        case 'silent':
          await this.behaviour.whenChanged();
          if (socket.closed) return new Uint8Array();
      }
    }
  }
}

async function unlinkSocket(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSocket()) await unlink(path);
  } catch {
    // Already gone: nothing to clean.
  }
}
