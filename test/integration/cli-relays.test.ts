// Relays in the resident forwarder, as a user sees them: the emulated
// forwarder on real ZeroMQ sockets, the CLI as a child process.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import { vfkeeper, vfkeeperAsync } from '../helpers/cli.js';
import { formatEmulatorConfig } from '../helpers/emulator-config.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
let fw: ForwarderEmulator;
let args: string[];

beforeEach(async () => {
  t = tempDir();
  fw = new ForwarderEmulator({ dir: t.path('fw') });
  await fw.start();
  writeFileSync(t.path('c.yaml'), formatEmulatorConfig(fw));
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--vfs', '8']).stdout);
  args = ['--simulate', t.path('h.json'), '--config', t.path('c.yaml')];
});
afterEach(async () => {
  await fw.stop();
  t.remove();
});

const status = async () =>
  JSON.parse((await vfkeeperAsync(['status', '--json', ...args])).stdout) as {
    pfs: Array<{ vfs: Array<{ pci: string; mac: string; relay: { virtio_id: number; state: string } }> }>;
  };

describe('relays', () => {
  it('attaches every relay, a second run plans nothing, and a restarted forwarder gets them all back', async () => {
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    expect((await status()).pfs[0]?.vfs.map((v) => `${v.relay.virtio_id}:${v.relay.state}`)).toEqual(
      ['1', '2', '3', '4', '5', '6', '7', '8'].map((n) => `${n}:attached`),
    );
    expect(fw.readRelayStates().filter((r) => r.vf_to_vm.internal_state === 'DPDK_ADDED')).toHaveLength(8);
    expect(JSON.parse((await vfkeeperAsync(['reconcile', '--dry-run', '--json', ...args])).stdout).steps).toEqual([]);

    await fw.stop();
    await fw.start();
    expect((await status()).pfs[0]?.vfs.every((v) => v.relay.state === 'detached')).toBe(true);
    const again = JSON.parse((await vfkeeperAsync(['reconcile', '--json', ...args])).stdout) as {
      steps: Array<{ kind: string; result: string }>;
    };
    expect(again.steps.filter((s) => s.kind === 'attach-relay' && s.result === 'ok')).toHaveLength(8);
    expect((await status()).pfs[0]?.vfs.every((v) => v.relay.state === 'attached')).toBe(true);
  });

  it('a configuration that no longer matches the PF (as a file caught half-written reads) leaves its live relays attached', async () => {
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    writeFileSync(t.path('other.yaml'), `${formatEmulatorConfig(fw)}pfs:\n  - match: { pci: "0000:09:00.0" }\n`);
    const r = await vfkeeperAsync(['reconcile', '--json', '--simulate', t.path('h.json'), '--config', t.path('other.yaml')]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { steps: Array<{ kind: string }> }).steps.filter((s) => s.kind === 'detach-relay')).toEqual([]);
    expect(fw.readRelayStates().filter((x) => x.vf_to_vm.internal_state === 'DPDK_ADDED')).toHaveLength(8);
    // Once the VFs are really gone, their relays are dead and go.
    expect(vfkeeper(['sim', 'remove', '0000:02:00.0', '--simulate', t.path('h.json')]).status).toBe(0);
    const gone = JSON.parse(
      (await vfkeeperAsync(['reconcile', '--json', '--simulate', t.path('h.json'), '--config', t.path('other.yaml')])).stdout,
    ) as { steps: Array<{ kind: string; result: string }> };
    expect(gone.steps.filter((s) => s.kind === 'detach-relay' && s.result === 'ok')).toHaveLength(8);
  });

  it('shows a connected VM, and the libvirt XML carries the VF MAC and the socket', async () => {
    await vfkeeperAsync(['reconcile', ...args]);
    await fw.connectVm(1);
    const vf0 = (await status()).pfs[0]?.vfs[0];
    expect(vf0?.relay.state).toBe('vm-connected');
    const xml = await vfkeeperAsync(['libvirt-xml', '--virtio-id', '1', ...args]);
    expect(xml.status).toBe(0);
    expect(xml.stdout).toContain(`<mac address='${vf0?.mac}'/>`);
    expect(xml.stdout).toContain(`<source type='unix' path='${fw.socketPath(1)}' mode='client'/>`);
    expect(xml.stdout).toMatch(/^<!--[^\n]*-->\n<interface type='vhostuser'>[\s\S]*<\/interface>\n$/);
    // A real XML parser (Python's expat) must accept it, as libvirt's will.
    const parsed = spawnSync(
      'python3',
      [
        '-c',
        'import sys, xml.dom.minidom as m; d = m.parseString(sys.stdin.read()); print(d.documentElement.tagName, d.getElementsByTagName("mac")[0].getAttribute("address"))',
      ],
      { input: xml.stdout, encoding: 'utf8' },
    );
    expect(parsed.stdout.trim()).toBe(`interface ${vf0?.mac}`);
    const full = (await vfkeeperAsync(['libvirt-xml', '--virtio-id', '1', '--full', ...args])).stdout;
    expect(full).toContain("memAccess='shared'");
    expect(full).toContain("<page size='1048576' unit='KiB' nodeset='0'/>");
    const none = await vfkeeperAsync(['libvirt-xml', '--virtio-id', '50', ...args]);
    expect(none.status).toBe(1);
    expect(none.stderr).toMatch(/Relay 50 has no VF/);
  });

  it('with the forwarder down, the VF work completes, the relays wait for it (not converged, exit 1), and the log says why without an error', async () => {
    await fw.stop();
    const r = await vfkeeperAsync(['reconcile', ...args]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/WAITING\s+Relays wait for virtio-forwarder: .*unreachable/);
    expect(r.stdout).toMatch(/not converged\.\n$/);
    expect(r.stderr).toMatch(/<6>Relays wait for virtio-forwarder/);
    expect(r.stderr).not.toMatch(/<3>/);
    const s = await status();
    expect(s.pfs[0]?.vfs.every((v) => v.relay.state === 'unknown')).toBe(true);
    expect(
      JSON.parse((await vfkeeperAsync(['status', '--json', ...args])).stdout).pfs[0].vfs.map((v: { pci: string }) => v.pci),
    ).toHaveLength(8);
  });

  it('gives the vhost-user sockets to the configured owner', async () => {
    await vfkeeperAsync(['reconcile', ...args]);
    writeFileSync(t.path('bad.yaml'), formatEmulatorConfig(fw, 'no-such-user-x:kvm'));
    const r = await vfkeeperAsync(['reconcile', '--simulate', t.path('h.json'), '--config', t.path('bad.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/Cannot own .* by no-such-user-x:kvm: No user named "no-such-user-x"/);
  });
});

describe('a forwarder that takes the relay query and never answers', () => {
  it('reconcile binds the VFs and reports the relays waiting (exit 1), status says so, and both converge once it answers', async () => {
    const patient = formatEmulatorConfig(fw).replace('forwarder:\n', 'forwarder:\n  timeout_ms: 60000\n  relay_deadline_ms: 300\n');
    writeFileSync(t.path('c.yaml'), patient);
    fw.misbehave({ kind: 'silent' }, 'stats');

    const r = await vfkeeperAsync(['reconcile', '--json', ...args]);
    expect(r.status).toBe(1);
    const run = JSON.parse(r.stdout) as {
      steps: Array<{ kind: string; result: string }>;
      refusals: Array<{ kind: string; code: string; why: string }>;
      forwarder: { state: string };
      converged: boolean;
    };
    expect(run.steps.filter((s) => s.kind === 'bind-driver' && s.result === 'ok')).toHaveLength(8);
    expect(run.steps.filter((s) => s.kind === 'attach-relay')).toEqual([]);
    expect(run.forwarder.state).toBe('waiting');
    expect(run.refusals).toContainEqual(expect.objectContaining({ kind: 'waiting', code: 'ERR_FORWARDER_PENDING' }));
    expect(run.converged).toBe(false);
    expect(r.stderr).toMatch(
      /Relays are waiting on the forwarder: virtio-forwarder has not answered the relay query: no answer within 300 ms/,
    );

    const seen = JSON.parse((await vfkeeperAsync(['status', '--json', ...args])).stdout) as {
      pfs: Array<{ vfs: Array<{ driver: string; relay: { state: string } }> }>;
      forwarder: { state: string };
      not_converged: string[];
    };
    expect(seen.forwarder.state).toBe('waiting');
    expect(seen.pfs[0]?.vfs.map((v) => `${v.driver}:${v.relay.state}`)).toEqual(Array.from({ length: 8 }, () => 'vfio-pci:unknown'));
    expect(seen.not_converged.join('\n')).toMatch(/Relays are waiting on the forwarder/);

    fw.misbehave({ kind: 'none' });
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    expect((await status()).pfs[0]?.vfs.every((v) => v.relay.state === 'attached')).toBe(true);
  });
});
