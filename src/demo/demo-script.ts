// `vfkeeper demo`: a scripted scenario on the real daemon, each act printed
// as it happens. What an operator would otherwise do by hand (or what the
// kernel, systemd and NetworkManager would announce) is done to the
// simulated host and the emulated forwarder; the daemon does the rest.
import { writeFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { requestControl } from '../control/client.js';
import type { ControlRequest } from '../control/protocol.js';
import type { StatusView } from '../report/status.js';
import { formatStatus } from '../report/format-status.js';
import { applySimVerb } from '../host/sim/sim-verbs.js';
import { DemoLogger } from './demo-logger.js';
import { demoConfig, setUpDemo, type DemoRig } from './demo-rig.js';

const PF = '0000:02:00.0';

/** What `vfkeeper status` shows: asked of the daemon over its control socket. */
async function view(rig: DemoRig): Promise<StatusView> {
  const r = await requestControl(rig.socket, { request: 'status' });
  if (r.kind !== 'reply' || !r.reply.ok) throw new Error('the daemon did not answer status');
  return r.reply.result as unknown as StatusView;
}

function summary(v: StatusView): string {
  if (v.pfs.length === 0) return `  => no managed PF present${v.paused ? ' (paused)' : ''}\n`;
  return v.pfs
    .map((pf) => {
      const vfs = pf.vfs;
      const count = (pred: (x: (typeof vfs)[number]) => boolean) => vfs.filter(pred).length;
      const link = pf.link ? `${pf.link.up ? 'up' : 'down'}, mtu ${pf.link.mtu}` : 'no netdev';
      return `  => PF ${pf.pci} (${pf.netdev ?? '-'}, ${link}): ${pf.numvfs}/${pf.totalvfs} VFs, ${count((x) => x.driver === 'vfio-pci')} on vfio-pci, ${count((x) => x.relay.state === 'attached' || x.relay.state === 'vm-connected')} relays attached, ${count((x) => x.relay.state === 'vm-connected')} VM connected${v.paused ? `; PAUSED (${v.pause_reason ?? ''})` : ''}\n`;
    })
    .join('');
}

export async function runDemo(out: Writable): Promise<number> {
  const say = (s: string) => void out.write(s);
  const logger = new DemoLogger(out);
  const rig = await setUpDemo(logger);
  const act = async (title: string, work: () => Promise<void>) => {
    say(`\n== ${title}\n`);
    await work();
    await rig.daemon.idle();
    say(summary(await view(rig)));
  };
  const control = async (request: ControlRequest) => {
    const r = await requestControl(rig.socket, request);
    if (r.kind !== 'reply' || !r.reply.ok) throw new Error(`control request ${request.request} failed`);
  };
  try {
    say(
      `vfkeeper demo: the real daemon on a simulated Agilio host (PF ${PF}, enp2s0np0, firmware sriov-2.1.14, 56 VFs possible, none created)\nand an emulated virtio-forwarder in ${rig.dir}. linux-firmware has just pointed the firmware links back at nic/.\n`,
    );
    await act('1. Boot: the daemon starts and reconciles everything', () => rig.daemon.start());
    await act('2. A VM connects to relay 1 (its vhost-user socket)', () => rig.fw.connectVm(1));
    await act(`3. Hotplug: ${PF} is removed...`, () => applySimVerb(rig.host, 'remove', PF));
    await act('   ...and comes back (rescan): numvfs 0, nothing bound; udev events wake the daemon', () =>
      applySimVerb(rig.host, 'rescan', undefined),
    );
    await act('4. virtio-forwarder restarts and forgets every relay (systemd announces it over D-Bus)', async () => {
      await rig.fw.stop();
      await rig.fw.start();
      rig.daemon.onEvent({ source: 'unit', kind: 'forwarder-active', unit: 'virtio-forwarder.service' });
    });
    await act('5. NetworkManager: enp2s0np0 up (the dispatcher hook, over the control socket)', () =>
      control({ request: 'hook', netdev: 'enp2s0np0', action: 'up', source: 'networkmanager' }),
    );
    await act('6. The operator sets mtu: 9216 in the configuration file (the file watch reloads it)', async () => {
      const reloaded = logger.next(/Configuration reloaded/);
      await writeFile(rig.configFile, demoConfig(rig.dir, rig.fw, 'pfs:\n  - match: { id: "19ee" }\n    mtu: 9216\n'));
      await reloaded;
    });
    await act('7. ...then saves a broken one: the last good configuration is kept', async () => {
      const refused = logger.next(/Invalid configuration/);
      await writeFile(rig.configFile, demoConfig(rig.dir, rig.fw, 'pfs:\n  - match: { id: "19ee" }\n    vfs: lots\n'));
      await refused;
    });
    await act('8. Maintenance: `vfkeeper pause --reason "NIC firmware update"`, and the PF goes away meanwhile', async () => {
      await control({ request: 'pause', reason: 'NIC firmware update' });
      await applySimVerb(rig.host, 'remove', PF);
      await applySimVerb(rig.host, 'rescan', undefined);
    });
    await act('9. `vfkeeper resume`: one full run repairs it', () => control({ request: 'resume' }));
    const final = await view(rig);
    say(`\n== Status (vfkeeper status)\n${formatStatus(final)}`);
    const ok = final.pfs.every(
      (pf) => pf.vfs.length === 56 && pf.vfs.every((vf) => vf.driver === 'vfio-pci' && vf.relay.state !== 'detached'),
    );
    say(ok ? '\nConverged: 56 VFs on vfio-pci, relays attached, sockets owned by nobody:nogroup.\n' : '\nNOT converged: see above.\n');
    return ok ? 0 : 1;
  } finally {
    await rig.close();
  }
}
