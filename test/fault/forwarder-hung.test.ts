// A forwarder that takes the relay query and never answers (the emulator's
// stats endpoint, a real ZeroMQ REP socket, holding the request) must not
// hold up the VF work: the VFs are created and bound while the relay work
// waits, the relays wait alone within forwarder.relay_deadline_ms and are
// then reported as waiting, and everything converges once it answers.
// While the relays are unknown, nothing a relay may hold is removed.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import type { Forwarder } from '../../src/dataplane/types.js';
import { createZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import { createSimHost, type SimHost } from '../../src/host/sim/sim-host.js';
import { createSimState, type SimState } from '../../src/host/sim/state.js';
import { messageIdFor } from '../../src/journal/message-ids.js';
import type { Config } from '../../src/model/config.js';
import { reconcile, type RunReport } from '../../src/reconcile/run.js';
import { formatEmulatorConfig } from '../helpers/emulator-config.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { tempDir, type TempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

let t: TempDir;
let fw: ForwarderEmulator;
let state: SimState;
let sim: SimHost;
let forwarders: Forwarder[];
let logger: MemoryLogger;

beforeEach(async () => {
  t = tempDir('vfkhung-');
  fw = new ForwarderEmulator({ dir: t.path('fw') });
  await fw.start();
  state = createSimState({ pfs: 1, totalVfs: 4, numVfs: 0, firmware: 'sriov-2.1.14' });
  sim = createSimHost(state);
  forwarders = [];
  logger = new MemoryLogger();
});

afterEach(async () => {
  fw.misbehave({ kind: 'none' });
  for (const f of forwarders) await f.close();
  await fw.stop();
  t.remove();
});

/**
 * The configuration: a request deadline long enough that only the relay
 * deadline can end the wait (a minute, the client retrying once), and the
 * relay deadline given.
 */
async function configure(relayDeadlineMs: number, extra = ''): Promise<Config> {
  const forwarder = formatEmulatorConfig(fw).replace(
    'forwarder:\n',
    `forwarder:\n  timeout_ms: 60000\n  relay_deadline_ms: ${relayDeadlineMs}\n`,
  );
  writeFileSync(t.path('c.yaml'), `${extra}${forwarder}firmware: { dir: ${t.path('firmware')}, guard: off }\n`);
  return loadConfig(t.path('c.yaml'));
}

function run(config: Config): Promise<RunReport> {
  const forwarder = createZmqForwarder(config.forwarder);
  forwarders.push(forwarder);
  return reconcile({ host: sim, forwarder, config, logger }, { event: 'timer' });
}

const drivers = () => state.pfs[0]?.vfs.map((v) => v.driver) ?? [];
const relayedVfs = () => fw.readRelayStates().flatMap((r) => (r.vf?.pci_addr_str ? [r.vf.pci_addr_str] : []));

describe('a forwarder that accepts the relay query and never answers', () => {
  it('the VFs are created and bound while the relay work waits, and the run converges once the forwarder answers', async () => {
    const config = await configure(600_000);
    fw.misbehave({ kind: 'silent' }, 'stats');
    let report: RunReport | null = null;
    const running = run(config).then((r) => (report = r));

    await waitFor(
      () => drivers().length === 4 && drivers().every((d) => d === 'vfio-pci'),
      () => `VFs bound, saw ${drivers().join(',')}`,
    );
    // The run is still waiting on the forwarder, with the VF work done and no relay attached.
    expect(report).toBeNull();
    expect(relayedVfs()).toEqual([]);
    expect(logger.entries.some((e) => e.fields?.['VFKEEPER_STEP'] === 'set-numvfs' && e.fields['VFKEEPER_RESULT'] === 'ok')).toBe(true);

    fw.misbehave({ kind: 'none' });
    const done = await running;
    expect(done.converged).toBe(true);
    expect(done.exitStatus).toBe(0);
    expect(relayedVfs().sort()).toEqual(state.pfs[0]?.vfs.map((v) => v.pci).sort());
  });

  it('past forwarder.relay_deadline_ms the run reports the relays as waiting (journal forwarder.waiting), then a later run converges', async () => {
    const config = await configure(300);
    fw.misbehave({ kind: 'silent' }, 'stats');

    const r = await run(config);

    expect(drivers()).toEqual(['vfio-pci', 'vfio-pci', 'vfio-pci', 'vfio-pci']);
    expect(r.converged).toBe(false);
    expect(r.exitStatus).toBe(1);
    expect(r.refusals).toContainEqual(expect.objectContaining({ kind: 'waiting', code: 'ERR_FORWARDER_PENDING' }));
    const waiting = logger.entries.find((e) => e.messageId === messageIdFor('forwarder.waiting'));
    expect(waiting?.message).toMatch(/^Relays are waiting on the forwarder: .*no answer within 300 ms \(forwarder\.relay_deadline_ms\)/);
    expect(waiting?.fields?.['VFKEEPER_RUN']).toBe(r.run);
    const end = logger.entries.find((e) => e.messageId === messageIdFor('run.end') && e.fields?.['VFKEEPER_RUN'] === r.run);
    expect(end?.message).toMatch(/not converged: the relays are waiting on the forwarder$/);
    expect(relayedVfs()).toEqual([]);

    fw.misbehave({ kind: 'none' });
    const later = await run(config);
    expect(later.converged).toBe(true);
    expect(relayedVfs()).toHaveLength(4);
  });
});

describe('while the relays are unknown, a VF a relay may hold is not removed', () => {
  async function converged(vfs: number): Promise<Config> {
    const config = await configure(300, `pfs:\n  - match: { id: "19ee" }\n    vfs: ${vfs}\n`);
    const first = await run(config);
    expect(first.converged).toBe(true);
    expect(relayedVfs()).toHaveLength(vfs);
    return configure(300, `pfs:\n  - match: { id: "19ee" }\n    vfs: ${vfs + 1}\n`);
  }

  const numvfsWrites = (since: number) => state.writes.filter((w) => w.seq > since && w.path.endsWith('/sriov_numvfs'));

  it('a count change waits (workload guard, exit 3) while the forwarder does not answer, and is made once it does', async () => {
    const wider = await converged(2);
    const mark = state.seq;
    fw.misbehave({ kind: 'silent' }, 'stats');

    const r = await run(wider);

    expect(r.refusals).toContainEqual(expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_RELAYS_UNKNOWN', pf: '0000:02:00.0' }));
    expect(r.exitStatus).toBe(3);
    expect(numvfsWrites(mark)).toEqual([]);
    expect(state.pfs[0]?.numVfs).toBe(2);
    expect(relayedVfs()).toHaveLength(2);
    expect(logger.entries.some((e) => e.messageId === messageIdFor('refusal.guard.ERR_GUARD_RELAYS_UNKNOWN'))).toBe(true);

    fw.misbehave({ kind: 'none' });
    const later = await run(wider);
    expect(later.converged).toBe(true);
    expect(state.pfs[0]?.numVfs).toBe(3);
    expect(relayedVfs()).toHaveLength(3);
  });

  it('the forwarder failing (down) refuses the count change too: relays unknown are not none', async () => {
    const wider = await converged(2);
    const mark = state.seq;
    await fw.stop();

    const r = await run(wider);

    expect(r.refusals).toContainEqual(expect.objectContaining({ kind: 'guard', code: 'ERR_GUARD_RELAYS_UNKNOWN' }));
    expect(numvfsWrites(mark)).toEqual([]);
    expect(state.pfs[0]?.vfs.map((v) => v.driver)).toEqual(['vfio-pci', 'vfio-pci']);
    await fw.start();
  });
});
