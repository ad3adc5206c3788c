// The forwarder's side of a run's observation, read apart from the host's
// so that the VF work never waits on it (issue: a forwarder that accepts
// and never answers held every run up by its timeout times its retries).
//
// Invariants:
// - at most one read of the relays is in flight; a pass starts one only
//   when the last answer was used, so each pass after relay work sees a
//   fresh answer and a hung request is never doubled;
// - an answer is used once (take, wait);
// - waiting is bounded by one deadline for the whole run
//   (forwarder.relay_deadline_ms from the run's start): past it, the
//   relays are "pending", never "none".
import type { Forwarder } from '../dataplane/types.js';
import type { Config } from '../model/config.js';
import type { ObservedForwarder } from '../model/observed.js';
import { FORWARDER_OFF, observeForwarder } from './observe-forwarder.js';

export class ForwarderRead {
  readonly #config: Config;
  readonly #forwarder: Forwarder | null;
  readonly #deadlineAt: number;
  #inFlight: Promise<void> | null = null;
  #answer: ObservedForwarder | null = null;

  constructor(config: Config, forwarder: Forwarder | null, now = Date.now()) {
    this.#config = config;
    this.#forwarder = forwarder;
    this.#deadlineAt = now + config.forwarder.relayDeadlineMs;
  }

  /** Starts a read unless one is in flight or its answer is still unused. */
  start(): void {
    if (this.#inFlight !== null || this.#answer !== null) return;
    // No forwarder to ask: the answer is known now, not a pass later.
    if (!this.#config.forwarder.enabled || this.#forwarder === null) {
      this.#answer = FORWARDER_OFF;
      return;
    }
    const read = observeForwarder(this.#config, this.#forwarder).then((a) => {
      this.#answer = a;
      this.#inFlight = null;
    });
    this.#inFlight = read;
  }

  /** The answer if it came (used up), else what a run plans with meanwhile: pending. */
  take(): ObservedForwarder {
    const a = this.#answer;
    if (a === null) return this.#pending('it has not answered yet');
    this.#answer = null;
    return a;
  }

  /** Waits for the answer until the run's relay deadline; pending past it. */
  async wait(): Promise<ObservedForwarder> {
    this.start();
    const left = this.#deadlineAt - Date.now();
    if (this.#answer === null && this.#inFlight !== null && left > 0) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
      try {
        await Promise.race([this.#inFlight, deadline]);
      } finally {
        clearTimeout(timer);
      }
    }
    if (this.#answer !== null) return this.take();
    return this.#pending(`no answer within ${this.#config.forwarder.relayDeadlineMs} ms (forwarder.relay_deadline_ms)`);
  }

  #pending(why: string): ObservedForwarder {
    return { reachable: false, pending: true, reason: `virtio-forwarder has not answered the relay query: ${why}` };
  }
}
