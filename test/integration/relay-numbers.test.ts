// relays: auto gives each VF a number that stays with it: removing the
// first of two PFs must not move the second PF's VFs to other relays (a VM
// stopped meanwhile would come back on another VF, with another MAC). The
// CLI as a child process, the emulated forwarder on real ZeroMQ sockets.
import { readFileSync, writeFileSync } from 'node:fs';
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
  writeFileSync(t.path('c.yaml'), `${formatEmulatorConfig(fw)}relays: auto\n`);
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--pfs', '2', '--vfs', '4']).stdout);
  args = ['--simulate', t.path('h.json'), '--config', t.path('c.yaml')];
});
afterEach(async () => {
  await fw.stop();
  t.remove();
});

interface Status {
  pfs: Array<{ pci: string; vfs: Array<{ pci: string; mac: string; relay: { virtio_id: number | null; state: string } }> }>;
}
const status = async (): Promise<Status> => JSON.parse((await vfkeeperAsync(['status', '--json', ...args])).stdout) as Status;
/** "relay:VF:MAC:state" for each VF of the PF. */
const relaysOf = (s: Status, pf: string) =>
  s.pfs.find((p) => p.pci === pf)?.vfs.map((v) => `${v.relay.virtio_id}:${v.pci}:${v.mac}:${v.relay.state}`) ?? [];
const attachedInForwarder = () =>
  fw
    .readRelayStates()
    .filter((r) => r.vf_to_vm.internal_state === 'DPDK_ADDED')
    .map((r) => `${r.id}:${r.vf?.pci_addr_str ?? ''}`)
    .sort();

describe('relay numbers with relays: auto', () => {
  it('removing the first of two PFs leaves every relay of the second on its number, VF and MAC; the first gets its own back', async () => {
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    const before = await status();
    const second = relaysOf(before, '0000:03:00.0');
    expect(second.map((r) => r.split(':')[0])).toEqual(['5', '6', '7', '8']);
    expect(second.every((r) => r.endsWith(':attached'))).toBe(true);
    const recorded = JSON.parse(readFileSync(t.path('h.json.vfkeeper/relay-numbers.json'), 'utf8')) as { relays: Record<string, number> };
    expect(Object.values(recorded.relays).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);

    expect(vfkeeper(['sim', 'remove', '0000:02:00.0', ...args]).status).toBe(0);
    const removed = JSON.parse((await vfkeeperAsync(['reconcile', '--json', ...args])).stdout) as {
      steps: Array<{ kind: string; target: string }>;
    };
    expect(removed.steps.filter((s) => s.kind === 'attach-relay')).toEqual([]);
    expect(relaysOf(await status(), '0000:03:00.0')).toEqual(second);
    expect(attachedInForwarder()).toEqual(['5:0000:03:08.0', '6:0000:03:08.1', '7:0000:03:08.2', '8:0000:03:08.3']);
    const xml = await vfkeeperAsync(['libvirt-xml', '--virtio-id', '5', ...args]);
    const mac = before.pfs.find((p) => p.pci === '0000:03:00.0')?.vfs[0]?.mac ?? 'none';
    expect(xml.stdout).toContain(`<mac address='${mac}'/>`);

    expect(vfkeeper(['sim', 'rescan', ...args]).status).toBe(0);
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    const after = await status();
    expect(relaysOf(after, '0000:02:00.0')).toEqual(relaysOf(before, '0000:02:00.0'));
    expect(relaysOf(after, '0000:03:00.0')).toEqual(second);
  });
});
