// Fault injection around the resident daemon (a child process on a
// simulated host, the emulated forwarder, the real control socket): its
// event sources dying (udevadm monitor, the D-Bus connection), no journald,
// an invalid configuration on reload, and hooks racing the daemon for one
// PF. Each ends converged, with the fault said in the log, and the daemon
// still answering `status`.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonRig } from '../helpers/daemon.js';
import { PrivateBus } from '../helpers/events/dbus-daemon.js';
import { FakeSystemd } from '../helpers/events/fake-systemd.js';
import { formatPrivateMountArgv } from '../helpers/private-mount.js';
import { assertPresent, skipWhenMissing } from '../helpers/requires.js';
import { waitFor } from '../helpers/wait-for.js';

const hasUnshare = process.getuid?.() === 0 && spawnSync('unshare', ['--mount', 'true']).status === 0;
const hasDbus = spawnSync('dbus-daemon', ['--version']).status === 0;

let rig: DaemonRig;
beforeEach(() => (rig = new DaemonRig()));
afterEach(() => rig.tearDown());

/** A PF hot-removed and re-added is repaired by the daemon with no command typed. */
async function expectHotplugRepaired(vfs = 8): Promise<void> {
  expect((await rig.cli(['sim', 'remove', '0000:02:00.0'])).status).toBe(0);
  expect((await rig.cli(['sim', 'rescan'])).status).toBe(0);
  await rig.waitConverged(vfs, 'the PF to be repaired after its hot-add');
}

describe('the daemon under faults', () => {
  it('udevadm monitor dying over and over: restarted with back-off, said in the log, the host still kept', async () => {
    await rig.setUp();
    const fake = rig.t.path('udevadm');
    writeFileSync(
      fake,
      `#!/bin/sh\necho run >> "${rig.t.path('udevadm-runs')}"\necho 'monitor will print the received events for:'\nexit 1\n`,
    );
    chmodSync(fake, 0o755);
    await rig.start({ VFKEEPER_UDEVADM: fake });
    await rig.waitConverged(8, 'the start-up reconcile');
    await waitFor(() => /udevadm monitor \(.*\) exited with status 1, restarting in \d+ ms/.test(rig.stderr), 'the restart to be logged');
    await waitFor(() => readFileSync(rig.t.path('udevadm-runs'), 'utf8').split('\n').length > 2, 'a second restart');
    await expectHotplugRepaired();
  });

  it.skipIf(skipWhenMissing(hasDbus))(
    'the D-Bus connection dropping: said, retried, and the relays back once the bus and the forwarder are',
    async () => {
      assertPresent(hasDbus, 'dbus-daemon');
      await rig.setUp();
      const bus = new PrivateBus(rig.t.dir);
      await bus.start();
      let systemd = await FakeSystemd.start(bus.address, 'virtio-forwarder.service', 'active');
      try {
        await rig.start({ DBUS_SYSTEM_BUS_ADDRESS: bus.address });
        await rig.waitConverged(8, 'the start-up reconcile');
        systemd.stop();
        await bus.kill();
        await waitFor(() => /lost the D-Bus connection .* retrying in \d+ ms/.test(rig.stderr), 'the lost connection to be logged');
        expect((await rig.status()).pfs[0]?.numvfs).toBe(8);
        // The forwarder restarts while the bus is away: only the reconnect can tell.
        await rig.fw.stop();
        await rig.fw.start();
        await bus.start();
        systemd = await FakeSystemd.start(bus.address, 'virtio-forwarder.service', 'active');
        await rig.waitConverged(8, 'the relays to be back after the reconnect');
      } finally {
        systemd.stop();
        await bus.kill();
      }
    },
  );

  it.skipIf(skipWhenMissing(hasUnshare))(
    'no journald at all (the journal asked for): entries go to stderr and the host is kept',
    async () => {
      assertPresent(hasUnshare, 'root and unshare');
      await rig.setUp();
      const emptyRun = rig.t.path('empty-run');
      mkdirSync(emptyRun);
      await rig.start({ VFKEEPER_LOG: 'journal' }, (argv) => formatPrivateMountArgv({ from: emptyRun, over: '/run' }, argv, true));
      await rig.waitConverged(8, 'the start-up reconcile');
      // One readable line per entry on stderr (no journald: not the <N> form, which is for journald's stream).
      expect(rig.stderr).toMatch(/^ *(ok +)?Set sriov_numvfs of 0000:02:00\.0 to 8/m);
      await expectHotplugRepaired();
    },
  );

  it('an invalid configuration on reload: said, the last good one kept (and applied to a hot-add), then the fixed one read', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const good = readFileSync(rig.config, 'utf8');
    writeFileSync(rig.config, `${good}pfs:\n  - match: { id: "19ee" }\n    vfs: [ unclosed\n`);
    await waitFor(() => /Invalid configuration, keeping the last good one: .*c\.yaml/.test(rig.stderr), 'the invalid file to be reported');
    await expectHotplugRepaired();
    writeFileSync(rig.config, `${good}pfs:\n  - match: { id: "19ee" }\n    vfs: 4\n`);
    await waitFor(() => /Configuration reloaded/.test(rig.stderr), 'the fixed file to be read');
    expect((await rig.cli(['reconcile'])).status).toBe(0);
    expect((await rig.status()).pfs[0]?.numvfs).toBe(4);
  });

  it('two hooks and the daemon racing for one PF: every hook exits 0, runs for the PF never overlap, and it converges', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const from = rig.stderr.length;
    await rig.cli(['sim', 'remove', '0000:02:00.0']);
    const [a, b, c] = await Promise.all([
      rig.cli(['hook', 'networkmanager', 'enp2s0np0', 'up']),
      rig.cli(['sim', 'rescan']),
      rig.cli(['hook', 'networkd', 'routable'], { IFACE: 'enp2s0np0' }),
    ]);
    expect([a.status, b.status, c.status]).toEqual([0, 0, 0]);
    await rig.waitConverged(8, 'the PF after the race');
    // A late event may still have a run in flight once the PF is converged: wait for its end.
    const marks = () => [...rig.stderr.slice(from).matchAll(/Reconcile run (\w+) (started|finished)/g)].map((m) => m[2]);
    await waitFor(() => marks().at(-1) === 'finished', 'the last run to finish');
    // In the log, every run's start is followed by its own end before the next starts.
    expect(marks().join(' ')).toMatch(/^(started finished ?)+$/);
  });

  it('two hooks racing with no daemon: each reconciles under the lock, the count is written once', async () => {
    await rig.setUp();
    const [a, b] = await Promise.all([
      rig.cli(['hook', 'networkmanager', 'enp2s0np0', 'up']),
      rig.cli(['hook', 'networkmanager', 'enp2s0np0', 'up']),
    ]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const state = JSON.parse(readFileSync(rig.state, 'utf8')) as { writes: Array<{ path: string; value: string }> };
    expect(state.writes.filter((w) => w.path.endsWith('sriov_numvfs') && w.value === '8')).toHaveLength(1);
  });
});
