// The forwarder's static VFs (VIRTIOFWD_STATIC_VFS) on the simulated host
// with the emulated forwarder, as a user runs vfkeeper: the VF the forwarder
// attached by itself keeps its relay, its number goes to no other VF, a
// count change that would remove it is refused, status shows it as static,
// and a malformed list stops relay changes with the file and value named.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import { createZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import type { PciAddress } from '../../src/model/pci.js';
import { vfkeeperAsync } from '../helpers/cli.js';
import { formatEmulatorConfig } from '../helpers/emulator-config.js';
import { tempDir, type TempDir } from '../helpers/temp.js';
import { vfkeeper } from '../helpers/cli.js';

const VF1 = '0000:02:08.1' as PciAddress;
let t: TempDir;
let fw: ForwarderEmulator;
let args: string[];

const writeConfig = (vfs: number): void =>
  writeFileSync(
    t.path('c.yaml'),
    `${formatEmulatorConfig(fw)}  env_file: ${t.path('virtioforwarder')}\npfs:\n  - match: { pci: "0000:02:00.0" }\n    vfs: ${vfs}\n`,
  );

beforeEach(async () => {
  t = tempDir();
  fw = new ForwarderEmulator({ dir: t.path('fw') });
  await fw.start();
  writeConfig(3);
  writeFileSync(t.path('virtioforwarder'), `VIRTIOFWD_IPC_PORT_CONTROL=y\nVIRTIOFWD_STATIC_VFS=(${VF1}=7)\n`);
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--vfs', '4', '--numvfs', '3']).stdout);
  args = ['--simulate', t.path('h.json'), '--config', t.path('c.yaml')];
});

/** What the forwarder does by itself at start for each VIRTIOFWD_STATIC_VFS entry. */
async function forwarderAttachesStatic(): Promise<void> {
  const client = createZmqForwarder({ portControl: fw.endpoints.portControl, stats: fw.endpoints.stats, timeoutMs: 2000 });
  try {
    await client.attach(7, VF1);
  } finally {
    await client.close();
  }
}
afterEach(async () => {
  await fw.stop();
  t.remove();
});

interface StatusDoc {
  pfs: Array<{ vfs: Array<{ pci: string; relay: { virtio_id: number | null; state: string; static: boolean } }> }>;
  static_vfs: { file: string; vfs: Array<{ pci: string; virtio_id: number }>; error: string | null } | null;
}
const status = async (): Promise<StatusDoc> => JSON.parse((await vfkeeperAsync(['status', '--json', ...args])).stdout) as StatusDoc;
const attached = (): string[] =>
  fw
    .readRelayStates()
    .filter((r) => r.vf_to_vm.internal_state === 'DPDK_ADDED')
    .map((r) => `${r.id}:${r.vf?.pci_addr_str ?? '-'}`)
    .sort();

describe('static VFs', () => {
  it('before the forwarder attached one, vfkeeper neither attaches it nor gives its number away', async () => {
    writeFileSync(t.path('virtioforwarder'), `VIRTIOFWD_STATIC_VFS=(${VF1}=1)\n`);
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    expect(attached()).toEqual(['2:0000:02:08.0', '3:0000:02:08.2']);
    const vf1 = (await status()).pfs[0]?.vfs[1];
    expect(vf1?.relay).toEqual(expect.objectContaining({ virtio_id: 1, state: 'detached', static: true }));
  });

  it('are left to the forwarder: not re-attached, not renumbered, shown as static', async () => {
    await forwarderAttachesStatic();
    const r = await vfkeeperAsync(['reconcile', '--json', ...args]);
    expect(r.status).toBe(0);
    expect(attached()).toEqual(['1:0000:02:08.0', '2:0000:02:08.2', `7:${VF1}`]);
    const doc = await status();
    expect(doc.pfs[0]?.vfs.map((v) => `${v.pci} ${v.relay.virtio_id} ${v.relay.state} ${v.relay.static}`)).toEqual([
      '0000:02:08.0 1 attached false',
      `${VF1} 7 attached true`,
      '0000:02:08.2 2 attached false',
    ]);
    expect(doc.static_vfs).toEqual({ file: t.path('virtioforwarder'), vfs: [{ pci: VF1, virtio_id: 7 }], error: null });
    const table = (await vfkeeperAsync(['status', ...args])).stdout;
    expect(table).toMatch(/VF +1 +0000:02:08\.1 .* relay 7 attached \(static\)/);
    expect(table).toContain(`static VFs (the forwarder's own, VIRTIOFWD_STATIC_VFS in ${t.path('virtioforwarder')}): ${VF1}=7`);
    expect(JSON.parse((await vfkeeperAsync(['reconcile', '--dry-run', '--json', ...args])).stdout).steps).toEqual([]);
    // The VM on the static relay gets that VF's MAC and relay 7's socket.
    const xml = await vfkeeperAsync(['libvirt-xml', '--virtio-id', '7', ...args]);
    expect(xml.status).toBe(0);
    expect(xml.stdout).toContain(`<!-- relay 7: VF ${VF1} -->`);
    expect(xml.stdout).toContain(`path='${fw.socketPath(7)}'`);
  });

  it('a count change that would remove a static VF is refused by the guard (exit 3), even forced; its relay stays', async () => {
    await forwarderAttachesStatic();
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    writeConfig(4);
    for (const extra of [[], ['--force']]) {
      const r = await vfkeeperAsync(['reconcile', ...extra, ...args]);
      expect(r.status).toBe(3);
      expect(r.stdout).toContain(
        `Not changing the VF count of 0000:02:00.0 from 3 to 4: the forwarder owns ${VF1} (relay 7) (VIRTIOFWD_STATIC_VFS in ${t.path('virtioforwarder')})`,
      );
    }
    expect(attached()).toContain(`7:${VF1}`);
  });

  it('a malformed list: relay changes refused (exit 1), the file and the value named, nothing detached', async () => {
    await forwarderAttachesStatic();
    expect((await vfkeeperAsync(['reconcile', ...args])).status).toBe(0);
    writeFileSync(t.path('virtioforwarder'), `VIRTIOFWD_STATIC_VFS=(${VF1}=seven)\n`);
    await fw.stop();
    await fw.start(); // every relay is gone: vfkeeper would re-attach them all, but must not guess
    const r = await vfkeeperAsync(['reconcile', ...args]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `Relays are left as they are: the forwarder's static VFs are unknown (${t.path('virtioforwarder')}: VIRTIOFWD_STATIC_VFS="(${VF1}=seven)"`,
    );
    expect(attached()).toEqual([]);
    expect((await status()).static_vfs?.error).toContain(`"${VF1}=seven" is not <PCI address>=<relay number 0-59>`);
  });
});
