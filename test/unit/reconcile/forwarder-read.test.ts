// A run's read of the forwarder: one request in flight at a time, each
// answer used once, the wait bounded by forwarder.relay_deadline_ms.
import { describe, expect, it } from 'vitest';
import type { Forwarder } from '../../../src/dataplane/types.js';
import type { ObservedRelay } from '../../../src/model/observed.js';
import { ForwarderRead } from '../../../src/reconcile/forwarder-read.js';
import { config } from '../../helpers/observed.js';

/** A forwarder whose relay queries are answered when the test says so. */
class HeldForwarder implements Forwarder {
  queries = 0;
  readonly #held: Array<(relays: ObservedRelay[]) => void> = [];
  readRelays(): Promise<ObservedRelay[]> {
    this.queries++;
    return new Promise((resolve) => this.#held.push(resolve));
  }
  answer(): void {
    for (const resolve of this.#held.splice(0)) resolve([]);
  }
  attach = async () => undefined;
  detach = async () => undefined;
  close = async () => undefined;
}

function withDeadline(ms: number) {
  const c = config();
  return { ...c, forwarder: { ...c.forwarder, relayDeadlineMs: ms } };
}

describe('ForwarderRead', () => {
  it('plans with the relays pending until the answer comes, and asks once while a query is in flight', async () => {
    const fw = new HeldForwarder();
    const read = new ForwarderRead(withDeadline(60_000), fw);
    read.start();
    read.start();
    expect(read.take()).toMatchObject({ reachable: false, pending: true });
    expect(fw.queries).toBe(1);
    fw.answer();
    expect(await read.wait()).toEqual({ reachable: true, relays: [] });
    // Used up: the next pass asks again.
    read.start();
    expect(fw.queries).toBe(2);
  });

  it('past the relay deadline, the wait ends with the relays pending, naming the setting', async () => {
    const read = new ForwarderRead(withDeadline(20), new HeldForwarder());
    expect(await read.wait()).toEqual({
      reachable: false,
      pending: true,
      reason: 'virtio-forwarder has not answered the relay query: no answer within 20 ms (forwarder.relay_deadline_ms)',
    });
  });

  it('with no forwarder to ask, the answer is there at once', () => {
    const read = new ForwarderRead(withDeadline(60_000), null);
    read.start();
    expect(read.take()).toEqual({ reachable: false, reason: 'relay management is off (forwarder.enabled: false)' });
  });
});
