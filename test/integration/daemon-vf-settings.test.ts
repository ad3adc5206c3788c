// VF settings under the resident daemon: applied before the relays are
// attached, a driver's refusal warned about once for the daemon's lifetime
// (not on every run), and every setting back after a PF re-add that the
// daemon repairs by itself.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonRig } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: DaemonRig;
beforeEach(() => (rig = new DaemonRig()));
afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') process.stderr.write(`daemon stderr (last 4000 characters):\n${rig.stderr.slice(-4000)}\n`);
  await rig.tearDown();
});

const RULE = `pfs:
  - match: { netdev: enp2s0 }
    firmware: any
    vfs: 3
    vf_settings: { vlan: { id: 42, qos: 2 }, spoofchk: false, trust: true, link_state: enable, max_tx_rate: 250 }
    vf_overrides: [ { index: 1, vlan: 43 } ]
`;

interface VfSettingsJson {
  vlan: number;
  qos: number;
  spoofchk: boolean | null;
  trust: boolean | null;
  max_tx_rate: number;
}

async function settingsOf(): Promise<Array<VfSettingsJson | null>> {
  const r = await rig.cli(['status', '--json']);
  const s = JSON.parse(r.stdout) as { pfs: Array<{ vfs: Array<{ settings: VfSettingsJson | null }> }> };
  return s.pfs.flatMap((p) => p.vfs.map((v) => v.settings));
}

const WANTED = [
  { vlan: 42, qos: 2, spoofchk: false, trust: true, max_tx_rate: 250 },
  { vlan: 43, qos: 0, spoofchk: false, trust: true, max_tx_rate: 250 },
  { vlan: 42, qos: 2, spoofchk: false, trust: true, max_tx_rate: 250 },
];
const warnings = (): number =>
  (rig.stderr.match(/igb driver of 0000:02:00\.0 \(enp2s0\) does not support the VF setting link_state/g) ?? []).length;

describe('vfkeeper daemon with VF settings', () => {
  it('sets them before attaching relays, warns once about what igb refuses, and restores them after a PF re-add', async () => {
    await rig.setUp(['--driver', 'igb', '--vfs', '4'], RULE);
    await rig.start();
    await rig.waitConverged(3, 'the start-up reconcile');
    expect(await settingsOf()).toEqual(WANTED.map((w) => expect.objectContaining(w)));
    // Every VF's VLAN is set before the first relay is attached.
    const lastVlan = rig.stderr.lastIndexOf('Set vlan 42 qos 2 on VF 2');
    expect(lastVlan).toBeGreaterThan(0);
    expect(rig.stderr.indexOf('to relay 1')).toBeGreaterThan(lastVlan);
    expect(warnings()).toBe(1);

    // Another run (an operator's reconcile, through the daemon): no new warning, nothing failed.
    const again = await rig.cli(['reconcile', '--json']);
    expect(again.status).toBe(0);
    expect(warnings()).toBe(1);

    expect((await rig.cli(['sim', 'remove', '0000:02:00.0'])).status).toBe(0);
    await waitFor(async () => (await rig.status()).pfs.length === 0, 'the PF to be gone');
    expect((await rig.cli(['sim', 'rescan'])).status).toBe(0);
    await rig.waitConverged(3, 'the PF to be repaired after its hot-add');
    expect(await settingsOf()).toEqual(WANTED.map((w) => expect.objectContaining(w)));
    expect(warnings()).toBe(1);
    expect(rig.stderr).not.toMatch(/Failed to set/);
    expect(await rig.stop()).toBe(0);
  }, 120_000);
});
