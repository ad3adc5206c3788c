// The resident daemon as a child process: a simulated host whose kernel
// events drive it, the emulated forwarder on real ZeroMQ sockets, the real
// control socket, and (for the forwarder's unit) a real dbus-daemon.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonRig } from '../helpers/daemon.js';
import { PrivateBus } from '../helpers/events/dbus-daemon.js';
import { FakeSystemd } from '../helpers/events/fake-systemd.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: DaemonRig;
beforeEach(() => (rig = new DaemonRig()));
afterEach(() => rig.tearDown());

describe('vfkeeper daemon', () => {
  it('converges at start, serves status, and a PF re-added with numvfs 0 comes back with no command typed', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    expect((await rig.cli(['sim', 'remove', '0000:02:00.0'])).status).toBe(0);
    await waitFor(async () => (await rig.status()).pfs.length === 0, 'the PF to be gone');
    expect((await rig.cli(['sim', 'rescan'])).status).toBe(0);
    await rig.waitConverged(8, 'the PF to be repaired after its hot-add');
    expect(rig.stderr).toMatch(/started \(0000:02:00\.0, woken by udev\)/);
    expect(await rig.stop()).toBe(0);
    expect(rig.stderr).toContain('vfkeeper daemon stopping');
  });

  // `change`: news whatever the last run saw (a bind to the driver it saw would start no run at all).
  it('coalesces 1,000 udev records for one PF into a handful of runs', async () => {
    await rig.setUp();
    const records = Array.from(
      { length: 1000 },
      (_, i) =>
        // Unbinds: news whatever the last run saw (a change on a VF it saw would be none).
        `UDEV  [${100 + i}.000000] unbind   /devices/pci0000:00/0000:00:01.0/0000:02:08.${i % 8} (pci)\nACTION=unbind\nDEVPATH=/devices/pci0000:00/0000:00:01.0/0000:02:08.${i % 8}\nSUBSYSTEM=pci\nPCI_SLOT_NAME=0000:02:08.${i % 8}\nPCI_ID=19EE:6003\n`,
    ).join('\n');
    writeFileSync(
      rig.t.path('records.txt'),
      `monitor will print the received events for:\nUDEV - the event which udev sends out after rule processing\n\n${records}\n`,
    );
    const fake = rig.t.path('udevadm');
    // The banner first (the monitor is listening), then the burst once the test says go.
    writeFileSync(
      fake,
      `#!/bin/sh\necho 'monitor will print the received events for:'\necho 'UDEV - the event which udev sends out after rule processing'\necho\nwhile [ ! -e "${rig.t.path('go')}" ]; do sleep 0.05; done\nsed 1,3d "${rig.t.path('records.txt')}"\nexec sleep 600\n`,
    );
    chmodSync(fake, 0o755);
    await rig.start({ VFKEEPER_UDEVADM: fake });
    await rig.waitConverged(8, 'the start-up reconcile');
    const before = rig.runsStarted();
    writeFileSync(rig.t.path('go'), '');
    await waitFor(() => rig.runsStarted() > before, 'the burst to wake the daemon');
    let last = -1;
    await waitFor(
      () => {
        const settled = rig.runsStarted() === rig.runsFinished() && rig.runsStarted() === last;
        last = rig.runsStarted();
        return settled;
      },
      'the daemon to settle after the burst',
      30_000,
    );
    expect(rig.runsStarted() - before).toBeGreaterThanOrEqual(1);
    expect(rig.runsStarted() - before).toBeLessThanOrEqual(3);
  });

  it('re-attaches every relay when the forwarder unit becomes active again (D-Bus)', async () => {
    await rig.setUp();
    const bus = new PrivateBus(rig.t.dir);
    await bus.start();
    const systemd = await FakeSystemd.start(bus.address, 'virtio-forwarder.service', 'active');
    try {
      await rig.start({ DBUS_SYSTEM_BUS_ADDRESS: bus.address });
      await rig.waitConverged(8, 'the start-up reconcile');
      systemd.setActiveState('deactivating');
      await rig.fw.stop();
      systemd.setActiveState('inactive');
      await rig.fw.start();
      systemd.setActiveState('active');
      await rig.waitConverged(8, 'the relays to be back after the forwarder restart');
      // The unit's event may land in the run the socket files woke, or make one of its own after it.
      await waitFor(() => /woken by [^)]*unit/.test(rig.stderr), 'a run woken by the forwarder unit (D-Bus)');
    } finally {
      systemd.stop();
      await bus.kill();
    }
  });

  it('takes hooks over the control socket: a managed PF wakes a run, others are ignored, hostile names refused', async () => {
    await rig.setUp();
    // With no daemon the hook looks for itself, and logs what it ignores the same way.
    const alone = await rig.cli(['hook', 'networkmanager', 'eth7', 'up']);
    expect(alone.status).toBe(0);
    expect(alone.stderr).toMatch(/<6>Ignoring hook event up for eth7: eth7 is not a managed PF \[VFKEEPER_EVENT=hook NETDEV=eth7\]/);
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const hook = await rig.cli(['hook', 'networkmanager', 'enp2s0np0', 'up']);
    expect(hook.status).toBe(0);
    await waitFor(() => /started \(0000:02:00\.0, woken by hook\) \[[^\]]*VFKEEPER_EVENT=hook/.test(rig.stderr), 'a run woken by the hook');
    expect((await rig.cli(['hook', 'networkmanager', 'eth7', 'up'])).status).toBe(0);
    // Ignored, and the journal says so: the dispatcher that ran the hook shows nothing.
    await waitFor(
      () => /<6>Ignoring hook event up for eth7: eth7 is not a managed PF \[VFKEEPER_EVENT=hook NETDEV=eth7\]/.test(rig.stderr),
      'the ignored hook to be logged',
    );
    expect((await rig.cli(['hook', 'networkmanager', 'enp2s0np0', 'down'])).status).toBe(0);
    const hostile = await rig.cli(['hook', 'networkmanager', '--', '$(reboot)', 'up']);
    expect(hostile.status).toBe(2);
    expect(hostile.stderr).toMatch(/interface name/);
  });

  it('a count change refused by the workload guard: reconcile through the daemon exits 3 and says why', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    expect((await rig.cli(['sim', 'open-vfio', '0000:02:08.1'])).status).toBe(0);
    writeFileSync(rig.config, `${readFileSync(rig.config, 'utf8')}pfs:\n  - match: { id: "19ee" }\n    vfs: 4\n`);
    const r = await rig.cli(['reconcile']);
    expect(r.status).toBe(3);
    expect(r.stdout).toMatch(
      /REFUSED {2}Not changing the VF count of 0000:02:00\.0 from 8 to 4: 0000:02:08\.1 is open by qemu-system-x86\S*\n {9}fix: /,
    );
    expect((await rig.status()).pfs[0]?.numvfs).toBe(8);
  });

  it('reads a configuration file being written only once the writer is done (truncated, then written)', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const before = readFileSync(rig.config, 'utf8');
    writeFileSync(rig.config, '');
    // Not a wait for a condition: the scenario is a writer that takes its
    // time, so the empty file is there long enough for the watch to see it.
    await delay(100);
    // An edit that changes the configuration (a comment alone would be
    // nothing new, and a file event that brings nothing new wakes no run).
    writeFileSync(rig.config, `${before}daemon:\n  resync_seconds: 600\n`);
    await waitFor(() => /Configuration reloaded/.test(rig.stderr), 'the configuration to be reloaded');
    // Through the daemon's queue: returns once the run the reload woke is done.
    expect((await rig.cli(['reconcile'])).status).toBe(0);
    expect(rig.stderr.match(/Configuration reloaded/g)).toHaveLength(1);
    expect(rig.stderr).not.toMatch(/Relays are unknown|Detached/);
    await rig.waitConverged(8, 'everything still in place');
  });

  it('a reload that names other forwarder endpoints talks to them (the package\u2019s defaults, then the site\u2019s drop-in)', async () => {
    await rig.setUp();
    const good = readFileSync(rig.config, 'utf8');
    // Where no forwarder listens, as the defaults are on a host whose forwarder lives elsewhere.
    writeFileSync(rig.config, good.replaceAll(rig.t.path('fw'), rig.t.path('nowhere')));
    await rig.start();
    await waitFor(() => /Relays wait for virtio-forwarder: .*nowhere/.test(rig.stderr), 'the relays to wait for the forwarder');
    writeFileSync(rig.config, good);
    await waitFor(() => /Configuration reloaded/.test(rig.stderr), 'the configuration to be reloaded');
    await rig.waitConverged(8, 'the relays attached on the forwarder the reloaded configuration names');
  });

  it('reconcile through the daemon applies the file as it is now, and an invalid one exits 2 naming it while the daemon keeps the last good', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const good = readFileSync(rig.config, 'utf8');
    writeFileSync(rig.config, `${good}pfs:\n  - match: { id: "19ee" }\n    vfs: 4\n`);
    expect((await rig.cli(['reconcile'])).status).toBe(0);
    expect((await rig.status()).pfs[0]?.numvfs).toBe(4);
    writeFileSync(rig.config, `${good}pfs:\n  - match: { id: "19ee" }\n    vfs: lots\n`);
    const bad = await rig.cli(['reconcile']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(`${rig.config}: pfs[0].vfs`);
    expect((await rig.status()).pfs[0]?.numvfs).toBe(4);
  });

  it('pauses (surviving a restart): events are logged and nothing changes until resume', async () => {
    await rig.setUp();
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    expect((await rig.cli(['pause', '--reason', 'firmware update'])).status).toBe(0);
    expect(await rig.status()).toMatchObject({ paused: true, pause_reason: 'firmware update' });
    await rig.cli(['sim', 'remove', '0000:02:00.0']);
    await rig.cli(['sim', 'rescan']);
    await waitFor(() => /Paused \(firmware update\): ignoring udev event/.test(rig.stderr), 'the ignored events to be logged');
    expect(await rig.stop()).toBe(0);
    await rig.start();
    const paused = await rig.status();
    expect(paused).toMatchObject({ paused: true });
    expect(paused.pfs[0]?.numvfs).toBe(0);
    expect((await rig.cli(['resume'])).status).toBe(0);
    await rig.waitConverged(8, 'the host to be repaired after resume');
  });

  it('killed with SIGKILL in the middle of a run, converges when started again', async () => {
    await rig.setUp(['--pfs', '2', '--vfs', '8'], 'daemon: { write_timeout_ms: 600000 }\n');
    // The second PF's driver blocks in its sriov_numvfs write: the run stops half-way there.
    const state = JSON.parse(readFileSync(rig.state, 'utf8')) as { hangingPfs: string[] };
    state.hangingPfs = ['0000:03:00.0'];
    writeFileSync(rig.state, JSON.stringify(state));
    void rig.start().catch(() => undefined);
    // Relays are attached after every PF's steps: with the first PF done and the second hung, the run is half-way.
    await waitFor(
      () =>
        (JSON.parse(readFileSync(rig.state, 'utf8')) as { pfs: Array<{ vfs: Array<{ driver: string }> }> }).pfs[0]?.vfs.filter(
          (v) => v.driver === 'vfio-pci',
        ).length === 8,
      'the first PF to be done',
    );
    await rig.stop('SIGKILL');
    const half = JSON.parse(readFileSync(rig.state, 'utf8')) as { pfs: Array<{ numVfs: number }>; hangingPfs: string[] };
    expect(half.pfs.map((p) => p.numVfs)).toEqual([8, 0]);
    half.hangingPfs = [];
    writeFileSync(rig.state, JSON.stringify(half));
    await rig.start();
    await rig.waitConverged(16, 'both PFs after the restart');
  });
});
