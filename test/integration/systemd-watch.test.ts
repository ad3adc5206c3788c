// The forwarder unit watcher against a real dbus-daemon on a private bus,
// with a small org.freedesktop.systemd1 exported on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dbus from 'dbus-next';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnitWatcher } from '../../src/events/systemd.js';
import type { WakeEvent } from '../../src/events/types.js';
import { PrivateBus } from '../helpers/events/dbus-daemon.js';
import { FakeSystemd } from '../helpers/events/fake-systemd.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { waitFor } from '../helpers/wait-for.js';

const UNIT = 'virtio-forwarder.service';
const backoff = { initialMs: 20, maxMs: 100, healthyAfterMs: 60_000 };
let dir: string;
let bus: PrivateBus;
let fakes: FakeSystemd[];
let watcher: UnitWatcher | null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vfkeeper-dbus-'));
  bus = new PrivateBus(dir);
  await bus.start();
  fakes = [];
  watcher = null;
});
afterEach(async () => {
  await watcher?.stop();
  for (const f of fakes) f.stop();
  await bus.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function fakeSystemd(state: string): Promise<FakeSystemd> {
  const fake = await FakeSystemd.start(bus.address, UNIT, state);
  fakes.push(fake);
  return fake;
}

function watch(events: WakeEvent[], logger = new MemoryLogger()): UnitWatcher {
  watcher = new UnitWatcher({ unit: UNIT, onEvent: (e) => events.push(e), logger, busAddress: bus.address, backoff, callTimeoutMs: 2_000 });
  return watcher;
}

/** Match rules on the bus that deliver PropertiesChanged, over all connections (dbus-daemon's stats). */
async function propertiesChangedRules(): Promise<number> {
  const client = dbus.sessionBus({ busAddress: bus.address });
  client.on('error', () => undefined);
  try {
    const obj = await client.getProxyObject('org.freedesktop.DBus', '/org/freedesktop/DBus');
    const stats = obj.getInterface('org.freedesktop.DBus.Debug.Stats');
    const getAll: unknown = stats.GetAllMatchRules;
    if (typeof getAll !== 'function') throw new Error('no GetAllMatchRules');
    const all: unknown = await Reflect.apply(getAll, stats, []);
    const rules = Object.values(all as Record<string, string[]>).flat();
    return rules.filter((r) => r.includes("member='PropertiesChanged'")).length;
  } finally {
    client.disconnect();
  }
}

const forwarderActive: WakeEvent = { source: 'unit', kind: 'forwarder-active', unit: UNIT };

describe('UnitWatcher', () => {
  it('emits once per return to active, nothing for the first reading or while it stays active', async () => {
    const fake = await fakeSystemd('inactive');
    const events: WakeEvent[] = [];
    const w = watch(events);
    await w.start();
    expect(w.activeState).toBe('inactive');
    expect(events).toEqual([]);
    fake.setActiveState('activating', 'start');
    fake.setActiveState('active');
    await waitFor(() => events.length === 1, 'the first event');
    expect(events).toEqual([forwarderActive]);
    // Stays active: other properties change, ActiveState is re-announced unchanged.
    fake.setSubState('exited');
    fake.setActiveState('active');
    // Then a real restart, which must be the second and last event.
    for (const s of ['deactivating', 'inactive', 'activating', 'active']) fake.setActiveState(s);
    await waitFor(() => events.length >= 2, 'the second event');
    expect(events).toEqual([forwarderActive, forwarderActive]);
    expect(fake.manager.subscribes).toBe(1);
    expect(await propertiesChangedRules()).toBe(1);
  });

  it('says nothing when the unit is already active at start, and finds a loaded unit with GetUnit', async () => {
    const fake = await fakeSystemd('active');
    fake.manager.loaded = true;
    const events: WakeEvent[] = [];
    const w = watch(events);
    await w.start();
    expect(w.activeState).toBe('active');
    expect(events).toEqual([]);
    fake.setActiveState('failed');
    fake.setActiveState('active');
    await waitFor(() => events.length >= 1, 'the event after failed -> active');
    expect(events).toEqual([forwarderActive]);
  });

  it('re-reads ActiveState when it is only announced as invalidated', async () => {
    const fake = await fakeSystemd('inactive');
    const events: WakeEvent[] = [];
    await watch(events).start();
    fake.invalidateActiveState('active');
    await waitFor(() => events.length === 1, 'the event after the re-read');
  });

  it('reconnects after the bus dies, re-subscribes, re-reads and emits when the unit is active', async () => {
    const first = await fakeSystemd('active');
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    const w = watch(events, logger);
    await w.start();
    first.stop();
    await bus.kill();
    await waitFor(
      () =>
        logger
          .messages()
          .some((m) => /^lost the D-Bus connection at unix:path=.* watching virtio-forwarder.service, retrying in 20 ms$/.test(m)),
      'the loss warning',
    );
    await waitFor(() => logger.messages().some((m) => /cannot connect to D-Bus at .*(ENOENT|ECONNREFUSED)/.test(m)), 'a failed retry');
    await bus.start();
    const second = await fakeSystemd('active');
    await waitFor(() => events.length === 1, 'the event after the reconnect');
    expect(second.manager.subscribes).toBe(1);
    expect(await propertiesChangedRules()).toBe(1);

    // Again, but the forwarder is down when we come back: no event until it is up.
    second.stop();
    await bus.kill();
    await bus.start();
    const third = await fakeSystemd('inactive');
    await waitFor(() => third.manager.subscribes === 1 && w.activeState === 'inactive', 'the third connection');
    third.setActiveState('active');
    await waitFor(() => events.length === 2, 'the event after the unit came up');
    expect(events).toEqual([forwarderActive, forwarderActive]);
    expect(logger.entries.every((e) => e.priority === 4)).toBe(true);
  });

  it('keeps retrying while systemd is not on the bus, then emits if it finds the unit active', async () => {
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    await watch(events, logger).start();
    await waitFor(() => logger.messages().filter((m) => m.includes('ServiceUnknown')).length >= 2, 'two failed attempts');
    await fakeSystemd('active');
    await waitFor(() => events.length === 1, 'the event once systemd answers');
  });

  it('waits for a missing bus on its socket, not on a short timer, and connects as soon as it appears', async () => {
    await bus.kill();
    const socket = bus.address.replace(/^unix:path=/, '');
    rmSync(socket, { force: true });
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    await watch(events, logger).start();
    // The back-off grows to its cap (100 ms here), then on to ten minutes: the socket's watch is what finds the bus.
    const longWait = `retrying in 600000 ms or when ${socket} appears`;
    await waitFor(
      () => logger.messages().some((m) => m.includes('ENOENT') && m.endsWith(longWait)),
      () => logger.messages().join('\n'),
    );
    const attempts = logger.messages().length;
    await bus.start();
    await fakeSystemd('active');
    await waitFor(() => events.length === 1, 'the event once the bus is there');
    expect(events).toEqual([forwarderActive]);
    // What came after: the attempt the socket woke, and a failure or two if
    // it came before the bus listened on its socket (the file appears at
    // bind(), before listen()) or before systemd's name was on the bus;
    // each retried at once, none left to the ten-minute timer.
    const after = logger.messages().slice(attempts);
    for (const m of after) expect(m).toMatch(/ServiceUnknown|nothing listens on it \(ECONNREFUSED\), retrying in \d{1,3} ms /);
  });

  it('stops for good: no retries after stop()', async () => {
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    const w = watch(events, logger);
    await w.start();
    await w.stop();
    const count = logger.entries.length;
    await new Promise((r) => setTimeout(r, 4 * backoff.maxMs));
    expect(logger.entries.length).toBe(count);
  });
});
