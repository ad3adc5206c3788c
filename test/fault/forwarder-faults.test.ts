// Fault injection on the emulated forwarder (real ZeroMQ sockets): down,
// restarting in the middle of a run, answering garbage, an error, or
// nothing. The VF work never waits on it: PF 1's VFs are created and bound
// whatever the forwarder does; the relays follow once it answers again.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Misbehaviour } from '../../src/dataplane/emulator/misbehaviour.js';
import { Priority } from '../../src/journal/types.js';
import { VfkeeperError } from '../../src/model/errors.js';
import type { PciAddress } from '../../src/model/pci.js';
import { FaultRig } from '../helpers/fault-rig.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: FaultRig;
beforeEach(async () => {
  rig = new FaultRig();
  await rig.setUp();
  await rig.warmUp();
});
afterEach(() => rig.tearDown());

/** The forwarder restarted since the warm-up: it has forgotten every relay, so the run has relay work to do. */
async function forgetRelays(): Promise<void> {
  await rig.fw.stop();
  await rig.fw.start();
  // Each endpoint's client sees the restart as a refused connection until it
  // has reconnected: wait for both (a conditional REMOVE of an unused relay changes nothing).
  const fwd = rig.forwarder;
  if (fwd === null) throw new Error('no forwarder');
  const answers = (p: Promise<unknown>) =>
    p.then(
      () => true,
      (e: unknown) => !(e instanceof VfkeeperError && e.code === 'ERR_FORWARDER_UNREACHABLE'),
    );
  await waitFor(() => answers(fwd.readRelays()), 'the stats endpoint to answer again');
  await waitFor(() => answers(fwd.detach(59, '0000:00:00.0' as PciAddress)), 'the port control endpoint to answer again');
}

/** PF 1's VFs exist and are on vfio-pci: the VF work was done without the forwarder. */
function expectVfWorkDone(): void {
  expect(rig.vfsOf(1).map((v) => v.driver)).toEqual(['vfio-pci', 'vfio-pci', 'vfio-pci', 'vfio-pci']);
}

async function expectRecovered(): Promise<void> {
  expect((await rig.runUntilConverged()).at(-1)?.converged).toBe(true);
  expect(rig.converged()).toBe(true);
  expect(rig.inUseNow()).toEqual({ driver: 'vfio-pci', relayed: true, pf0Writes: [] });
}

const MISBEHAVIOURS: Array<{ name: string; m: Misbehaviour; journal: RegExp }> = [
  { name: 'answers garbage', m: { kind: 'garbage' }, journal: /ERR_FORWARDER_MALFORMED/ },
  { name: 'answers an error', m: { kind: 'error', errorCode: 5, source: 'virtio_add_vf' }, journal: /ERR_FORWARDER_REFUSED/ },
  { name: 'answers nothing', m: { kind: 'silent' }, journal: /ERR_FORWARDER_TIMEOUT/ },
];

describe('forwarder faults', () => {
  it.each(MISBEHAVIOURS)(
    'the forwarder $name: VFs bound, the relays refused with a journal entry, then recovered',
    async ({ m, journal }) => {
      await forgetRelays();
      rig.fw.misbehave(m, 'port_control');
      const r = await rig.run();
      expect(r.converged).toBe(false);
      expect(rig.errors().join('\n')).toMatch(journal);
      expectVfWorkDone();
      rig.fw.misbehave({ kind: 'none' });
      await expectRecovered();
    },
  );

  it('the forwarder down: VFs bound, the relays wait for it (not an error: it may be starting), and it all comes back when it starts', async () => {
    await rig.fw.stop();
    const r = await rig.run();
    expect(r.converged).toBe(false);
    expect(rig.errors()).toEqual([]);
    const waiting = rig.logger.entries.filter((e) => e.fields?.VFKEEPER_ERROR === 'ERR_FORWARDER_UNREACHABLE');
    expect(waiting.length).toBeGreaterThan(0);
    for (const e of waiting) {
      expect(e.priority).toBe(Priority.info);
      expect(e.message).toMatch(/^Relays wait for virtio-forwarder: .*ipc:\/\//);
    }
    expectVfWorkDone();
    await rig.fw.start();
    await expectRecovered();
  });

  it('the forwarder restarting in the middle of a run: what it forgot is attached again by the next run', async () => {
    const inner = rig.forwarder;
    if (inner === null) throw new Error('no forwarder');
    await forgetRelays();
    let restarted = false;
    rig.forwarder = {
      ...inner,
      readRelays: () => inner.readRelays(),
      detach: (id, vf) => inner.detach(id, vf),
      close: () => inner.close(),
      async attach(id, vf) {
        await inner.attach(id, vf);
        if (!restarted) {
          restarted = true;
          await rig.fw.stop();
          await rig.fw.start();
        }
      },
    };
    await rig.runUntilConverged();
    expect(restarted).toBe(true);
    expectVfWorkDone();
    await expectRecovered();
    expect(rig.fw.readRelayStates().filter((s) => s.vf?.pci_addr_str !== undefined)).toHaveLength(8);
  });
});
