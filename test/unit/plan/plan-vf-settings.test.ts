// The planner for VF settings, table-tested: observed in, steps out.
import { describe, expect, it } from 'vitest';
import { plan } from '../../../src/plan/plan.js';
import { freshVfSettings, unsupportedKey, type ObservedVfSettings } from '../../../src/model/vf-settings.js';
import type { PfRule } from '../../../src/model/config.js';
import type { Step } from '../../../src/model/step.js';
import { PF, config, observed, pf, vf } from '../../helpers/observed.js';

const noFwd = { forwarder: { ...config().forwarder, enabled: false } };
const settings = (over: Partial<ObservedVfSettings> = {}): ObservedVfSettings => ({ ...freshVfSettings(), ...over });
const twoVfs = (s0: ObservedVfSettings | null, s1: ObservedVfSettings | null = s0) =>
  pf({ numVfs: 2, totalVfs: 2, vfs: [vf(0, { settings: s0 }), vf(1, { settings: s1 })] });
const run = (rule: Partial<PfRule>, p = twoVfs(settings()), unsupported: ReadonlySet<string> = new Set()) =>
  plan(config({ vfs: 2, ...rule }, noFwd), observed([p]), { force: false, unsupported });
const summary = (steps: Step[]): string[] =>
  steps.map((s) => `${s.kind} ${'index' in s ? s.index : ''} ${'to' in s ? JSON.stringify(s.to) : ''}`.trim());

describe('planVfSettings', () => {
  it.each<[string, Partial<PfRule>, ObservedVfSettings, string[]]>([
    ['nothing configured: nothing planned', {}, settings({ trust: true }), []],
    ['already as wanted: nothing planned', { vfSettings: { spoofchk: true, trust: false, linkState: 'auto' } }, settings(), []],
    [
      'VLAN 100 on every VF',
      { vfSettings: { vlan: { id: 100, qos: 0, proto: '802.1Q' } } },
      settings(),
      ['set-vf-vlan 0 {"id":100,"qos":0,"proto":"802.1Q"}', 'set-vf-vlan 1 {"id":100,"qos":0,"proto":"802.1Q"}'],
    ],
    [
      'VLAN 0 wanted, none there: equal whatever the QoS words',
      { vfSettings: { vlan: { id: 0, qos: 0, proto: '802.1Q' } } },
      settings(),
      [],
    ],
    [
      'a QoS change alone is a change',
      { vfSettings: { vlan: { id: 100, qos: 3, proto: '802.1Q' } } },
      settings({ vlan: { id: 100, qos: 0, proto: '802.1Q' } }),
      ['set-vf-vlan 0 {"id":100,"qos":3,"proto":"802.1Q"}', 'set-vf-vlan 1 {"id":100,"qos":3,"proto":"802.1Q"}'],
    ],
    ['spoofchk off', { vfSettings: { spoofchk: false } }, settings(), ['set-vf-spoofchk 0 false', 'set-vf-spoofchk 1 false']],
    ['trust on', { vfSettings: { trust: true } }, settings(), ['set-vf-trust 0 true', 'set-vf-trust 1 true']],
    [
      'link state disable',
      { vfSettings: { linkState: 'disable' } },
      settings(),
      ['set-vf-link-state 0 "disable"', 'set-vf-link-state 1 "disable"'],
    ],
    [
      'a maximum alone keeps the minimum the VF has',
      { vfSettings: { maxTxRate: 1000 } },
      settings({ rate: { max: 0, min: 50 } }),
      ['set-vf-rate 0 {"max":1000,"min":50}', 'set-vf-rate 1 {"max":1000,"min":50}'],
    ],
    ['RSS query on', { vfSettings: { queryRss: true } }, settings(), ['set-vf-query-rss 0 true', 'set-vf-query-rss 1 true']],
    ['an override for VF 1 only', { vfOverrides: { 1: { trust: true } } }, settings(), ['set-vf-trust 1 true']],
    [
      'an override replaces the all-VF value for its index',
      { vfSettings: { vlan: { id: 10, qos: 0, proto: '802.1Q' } }, vfOverrides: { 0: { vlan: { id: 20, qos: 0, proto: '802.1Q' } } } },
      settings({ vlan: { id: 20, qos: 0, proto: '802.1Q' } }),
      ['set-vf-vlan 1 {"id":10,"qos":0,"proto":"802.1Q"}'],
    ],
  ])('%s', (_name, rule, observedSettings, expected) => {
    const p = run(rule, twoVfs(observedSettings));
    expect(summary(p.steps)).toEqual(expected);
    expect(p.steps.every((s) => s.why.length > 0)).toBe(true);
  });

  it('a driver that does not report a setting (null) gets it set', () => {
    expect(summary(run({ vfSettings: { queryRss: false } }, twoVfs(settings({ queryRss: null }))).steps)).toEqual([
      'set-vf-query-rss 0 false',
      'set-vf-query-rss 1 false',
    ]);
  });

  it('a setting the PF driver refused before is not planned again, on that PF and driver only', () => {
    const refused = new Set([unsupportedKey(PF, 'nfp', 'link_state')]);
    expect(run({ vfSettings: { linkState: 'enable', trust: true } }, twoVfs(settings()), refused).steps.map((s) => s.kind)).toEqual([
      'set-vf-trust',
      'set-vf-trust',
    ]);
    const otherDriver = new Set([unsupportedKey(PF, 'igb', 'link_state')]);
    expect(run({ vfSettings: { linkState: 'enable' } }, twoVfs(settings()), otherDriver).steps).toHaveLength(2);
  });

  it('new VFs get their settings after the MAC and before the bind, in the same plan as the count', () => {
    const p = plan(
      config({ vfs: 1, vfMacs: 'derive', vfSettings: { vlan: { id: 7, qos: 0, proto: '802.1Q' }, trust: true } }, noFwd),
      observed([pf({ numVfs: 0, totalVfs: 4 })]),
      { force: false },
    );
    expect(p.steps.map((s) => s.kind)).toEqual(['set-numvfs', 'set-vf-mac', 'set-vf-vlan', 'set-vf-trust', 'bind-driver']);
    expect(p.steps[2]).toMatchObject({ netdev: 'enp2s0np0', driver: 'nfp', why: 'VF 0 VLAN unknown, want 7' });
  });

  it('re-created VFs (settings back to the defaults) get them again: observed against wanted is all it takes', () => {
    const rule = { vfSettings: { spoofchk: false, maxTxRate: 100 } };
    expect(run(rule, twoVfs(settings({ spoofchk: false, rate: { max: 100, min: 0 } }))).steps).toEqual([]);
    expect(run(rule, twoVfs(settings())).steps).toHaveLength(4);
  });

  it('a TX rate waits while the PF link has no carrier (igb refuses any rate then): the other settings are planned, the run waits', () => {
    const rule = { vfSettings: { spoofchk: false, maxTxRate: 100 } };
    const noCarrier = { ...twoVfs(settings()), link: { up: true, mtu: 1500, carrier: false } };
    const p = run(rule, noCarrier);
    expect(summary(p.steps)).toEqual(['set-vf-spoofchk 0 false', 'set-vf-spoofchk 1 false']);
    expect(p.refusals).toEqual([
      expect.objectContaining({ kind: 'waiting', pf: PF, code: 'ERR_VF_RATE_NO_CARRIER', why: expect.stringContaining('VF 0, 1') }),
    ]);
    // Down (a pass that brings it up plans the rate only once it has a carrier): the same.
    const down = run(rule, { ...noCarrier, link: { up: false, mtu: 1500 } });
    expect(down.steps.map((s) => s.kind)).not.toContain('set-vf-rate');
    expect(down.refusals).toEqual([expect.objectContaining({ kind: 'waiting', code: 'ERR_VF_RATE_NO_CARRIER' })]);
    const carrier = { ...noCarrier, link: { up: true, mtu: 1500, carrier: true } };
    expect(summary(run(rule, carrier).steps)).toContain('set-vf-rate 0 {"max":100,"min":0}');
    expect(run(rule, carrier).refusals).toEqual([]);
  });

  it('without a PF netdev nothing can be set, and nothing is planned', () => {
    expect(run({ vfSettings: { trust: true } }, { ...twoVfs(settings()), netdev: null, link: null }).steps).toEqual([]);
  });

  it('with vfs: max, an override beyond sriov_totalvfs is a refusal naming the rule; the rest is planned', () => {
    const p = plan(
      config({ vfs: 'max', origin: '/etc/vfkeeper/vfkeeper.yaml: pfs[0]', vfOverrides: { 0: { trust: true }, 9: { trust: true } } }, noFwd),
      observed([twoVfs(settings())]),
      { force: false },
    );
    expect(summary(p.steps)).toEqual(['set-vf-trust 0 true']);
    expect(p.refusals).toEqual([
      expect.objectContaining({
        kind: 'blocked',
        code: 'ERR_VF_INDEX',
        why: expect.stringContaining('/etc/vfkeeper/vfkeeper.yaml: pfs[0].vf_overrides: expected VF indexes below 2'),
      }),
    ]);
  });
});

describe('zero MACs', () => {
  it('vf_macs: keep still gives a VF with a zero MAC the derived one; a set MAC is kept', () => {
    const p = plan(
      config({ vfs: 2, vfMacs: 'keep' }, noFwd),
      observed([pf({ numVfs: 2, totalVfs: 2, vfs: [vf(0, { mac: '00:00:00:00:00:00' }), vf(1, { mac: '8e:1a:52:0b:7c:20' })] })]),
      { force: false },
    );
    expect(p.steps).toEqual([
      expect.objectContaining({ kind: 'set-vf-mac', index: 0, to: expect.stringMatching(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/) }),
    ]);
    expect(p.steps[0]).not.toMatchObject({ to: '00:00:00:00:00:00' });
  });
});
