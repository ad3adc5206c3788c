// How an emulated endpoint misbehaves, for tests of the client's error paths.
//
// Invariants: exactly one behaviour is current; whoever waits in `whenChanged`
// is released by the next `set` or by `release` (the emulator stopping).

export type Misbehaviour =
  | { kind: 'none' }
  /** Take the request and never answer it (a hung forwarder). */
  | { kind: 'silent' }
  /** Answer bytes that are not the reply message (default: a truncated varint). */
  | { kind: 'garbage'; bytes?: Uint8Array }
  /** Port control: status ERROR with this code and source; stats: status ENOMEM. */
  | { kind: 'error'; errorCode?: number; source?: string }
  /** Answer correctly, but only after `delayMs`. */
  | { kind: 'slow'; delayMs: number };

export const GARBAGE = Uint8Array.from([0xff, 0xff, 0xff]);

export class Behaviour {
  #current: Misbehaviour = { kind: 'none' };
  #waiters: (() => void)[] = [];

  get current(): Misbehaviour {
    return this.#current;
  }

  set(m: Misbehaviour): void {
    this.#current = m;
    this.release();
  }

  /** Resolves at the next change (or release). */
  whenChanged(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
