// VF settings as an operator uses them: the configuration, `reconcile` and
// `status` on a simulated host whose kernel has the drivers' rules (nfp takes
// every setting; igb refuses link state, as the real one does).
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

interface StepJson {
  kind: string;
  target: string;
  result: string;
  why: string;
}
interface VfJson {
  index: number;
  mac: string | null;
  settings: Record<string, unknown> | null;
}

function simInit(args: string[]): string {
  const r = vfkeeper(['sim', 'init', ...args]);
  expect(r.status).toBe(0);
  writeFileSync(t.path('h.json'), r.stdout);
  return t.path('h.json');
}

function configure(rule: string): string {
  writeFileSync(t.path('c.yaml'), `forwarder: { enabled: false }\npfs:\n  - ${rule.trim().split('\n').join('\n    ')}\n`);
  return t.path('c.yaml');
}

const IGB_RULE = `match: { netdev: enp2s0 }
vfs: 4
firmware: any
vf_settings: { vlan: 100, spoofchk: false, trust: true, link_state: enable, max_tx_rate: 100 }
vf_overrides:
  - { index: 2, vlan: { id: 200, qos: 3 } }`;

function statusVfs(h: string, c: string): VfJson[] {
  const s = vfkeeper(['status', '--simulate', h, '--config', c, '--json']);
  expect(s.status).toBe(0);
  return (JSON.parse(s.stdout) as { pfs: Array<{ vfs: VfJson[] }> }).pfs[0]?.vfs ?? [];
}

describe('VF settings through reconcile and status', () => {
  it('an igb PF: VLAN, QoS, spoofchk, trust and rate set before the bind; link state refused once as a warning naming igb', () => {
    const h = simInit(['--driver', 'igb', '--vfs', '4']);
    const c = configure(IGB_RULE);
    const r = vfkeeper(['reconcile', '--simulate', h, '--config', c, '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as {
      converged: boolean;
      steps: StepJson[];
      refusals: Array<{ kind: string; code: string; why: string }>;
    };
    expect(report.converged).toBe(true);
    expect(report.refusals).toEqual([
      expect.objectContaining({
        kind: 'warning',
        code: 'ERR_VF_SETTING_UNSUPPORTED',
        why: expect.stringMatching(/igb driver of 0000:02:00\.0.*link_state/),
      }),
    ]);
    // The warning is logged once; the other VFs' link-state steps are skipped without asking the driver again.
    expect(r.stderr.match(/does not support the VF setting link_state/g)).toHaveLength(1);
    const linkSteps = report.steps.filter((s) => s.kind === 'set-vf-link-state');
    expect(linkSteps.map((s) => s.result)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    const vf0 = report.steps.filter((s) => s.target === '0000:02:10.0').map((s) => s.kind);
    expect(vf0.indexOf('set-vf-vlan')).toBeLessThan(vf0.indexOf('bind-driver'));
    expect(report.steps.filter((s) => s.result === 'failed')).toEqual([]);

    const vfs = statusVfs(h, c);
    expect(vfs.map((v) => v.settings?.['vlan'])).toEqual([100, 100, 200, 100]);
    expect(vfs[2]?.settings).toMatchObject({ vlan: 200, qos: 3, vlan_proto: '802.1Q' });
    expect(vfs[0]?.settings).toEqual({
      vlan: 100,
      qos: 0,
      vlan_proto: '802.1Q',
      spoofchk: false,
      trust: true,
      link_state: 'auto',
      max_tx_rate: 100,
      min_tx_rate: 0,
      query_rss: false,
    });
    expect(vfs.every((v) => v.mac !== null && v.mac !== '00:00:00:00:00:00')).toBe(true);
    const table = vfkeeper(['status', '--simulate', h, '--config', c]).stdout;
    expect(table).toMatch(/VF\s+2 .*vlan 200\/3\s+spoofchk off\s+trust on\s+link auto\s+rate 100\/0/);
  });

  it('after a PF re-add (VFs gone, back at the defaults) the next reconcile puts every setting back', () => {
    const h = simInit(['--driver', 'igb', '--vfs', '4']);
    const c = configure(IGB_RULE);
    expect(vfkeeper(['reconcile', '--simulate', h, '--config', c]).status).toBe(0);
    expect(vfkeeper(['sim', 'remove', '--simulate', h, '0000:02:00.0']).status).toBe(0);
    expect(vfkeeper(['sim', 'rescan', '--simulate', h]).status).toBe(0);
    const dry = vfkeeper(['reconcile', '--dry-run', '--simulate', h, '--config', c, '--json']);
    const planned = (JSON.parse(dry.stdout) as { steps: StepJson[] }).steps.map((s) => s.kind);
    expect(planned.filter((k) => k === 'set-vf-vlan')).toHaveLength(4);
    expect(vfkeeper(['reconcile', '--simulate', h, '--config', c]).status).toBe(0);
    const vfs = statusVfs(h, c);
    expect(vfs.map((v) => [v.settings?.['vlan'], v.settings?.['spoofchk'], v.settings?.['trust'], v.settings?.['max_tx_rate']])).toEqual([
      [100, false, true, 100],
      [100, false, true, 100],
      [200, false, true, 100],
      [100, false, true, 100],
    ]);
    const again = vfkeeper(['reconcile', '--dry-run', '--simulate', h, '--config', c, '--json']);
    expect((JSON.parse(again.stdout) as { steps: StepJson[] }).steps.filter((s) => s.kind !== 'set-vf-link-state')).toEqual([]);
  });

  it('an nfp PF takes every setting, 802.1ad and link state included, and converges with nothing left to do', () => {
    const h = simInit(['--vfs', '2']);
    const c = configure(`match: { netdev: enp2s0np0 }
vf_settings: { vlan: { id: 300, qos: 7, proto: 802.1ad }, link_state: disable, min_tx_rate: 10, max_tx_rate: 500, query_rss: true }`);
    const r = vfkeeper(['reconcile', '--simulate', h, '--config', c, '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { refusals: unknown[] }).refusals).toEqual([]);
    expect(statusVfs(h, c)[1]?.settings).toMatchObject({
      vlan: 300,
      qos: 7,
      vlan_proto: '802.1ad',
      link_state: 'disable',
      max_tx_rate: 500,
      min_tx_rate: 10,
      query_rss: true,
    });
    const dry = vfkeeper(['reconcile', '--dry-run', '--simulate', h, '--config', c]);
    expect(dry.stdout).toContain('Nothing to do');
  });

  it('a rate the driver takes but not this value (igb and a minimum) is a failure with the kernel answer, not a warning', () => {
    const h = simInit(['--driver', 'igb', '--vfs', '2']);
    const c = configure('match: { netdev: enp2s0 }\nfirmware: any\nvfs: 1\nvf_settings: { min_tx_rate: 10 }');
    const r = vfkeeper(['reconcile', '--simulate', h, '--config', c]);
    expect(r.status).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/min_tx_rate 10.*Invalid argument/);
  });

  it('configuration mistakes exit 2 naming file and place: at load for a number of VFs, at plan time for max', () => {
    const h = simInit(['--driver', 'igb', '--vfs', '4']);
    const bad = configure('match: { netdev: enp2s0 }\nfirmware: any\nvfs: 4\nvf_overrides: [ { index: 4, trust: true } ]');
    const load = vfkeeper(['reconcile', '--simulate', h, '--config', bad]);
    expect(load.status).toBe(2);
    expect(load.stderr).toContain(`${bad}: pfs[0].vf_overrides[0].index: expected a VF index below the rule's vfs: 4`);

    const unknown = configure('match: { netdev: enp2s0 }\nvf_settings: { vlan_id: 3 }');
    const u = vfkeeper(['reconcile', '--simulate', h, '--config', unknown]);
    expect(u.status).toBe(2);
    expect(u.stderr).toContain(`${unknown}: pfs[0].vf_settings.vlan_id: unknown key`);

    const max = configure('match: { netdev: enp2s0 }\nfirmware: any\nvf_overrides: [ { index: 9, trust: true } ]');
    const before = JSON.parse(readFileSync(h, 'utf8')) as unknown;
    const plan = vfkeeper(['reconcile', '--dry-run', '--simulate', h, '--config', max]);
    expect(plan.status).toBe(2);
    expect(plan.stdout + plan.stderr).toContain(`${max}: pfs[0].vf_overrides: expected VF indexes below 4`);
    expect(JSON.parse(readFileSync(h, 'utf8'))).toEqual(before);
  });
});
