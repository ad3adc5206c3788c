// vf_settings and vf_overrides in a PF rule: what they become, and every
// mistake named by file, place and expectation.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load-config.js';
import { mergeConfig } from '../../../src/config/merge-config.js';

const FILE = '/etc/vfkeeper/vfkeeper.yaml';
const load = (pf: string) => mergeConfig([parseConfigText(FILE, `pfs:\n  - match: { netdev: enp2s0np0 }\n${pf}`)]);
const error = (pf: string): string => {
  try {
    load(pf);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('vf_settings and vf_overrides', () => {
  it('become settings for all VFs and overrides by index; a bare VLAN number is 802.1Q without QoS', () => {
    const c = load(
      [
        '    vfs: 8',
        '    vf_settings: { vlan: 100, spoofchk: false, trust: true, link_state: enable, max_tx_rate: 1000, min_tx_rate: 10, query_rss: true }',
        '    vf_overrides:',
        '      - { index: 3, vlan: { id: 200, qos: 5, proto: 802.1ad }, trust: false }',
        '',
      ].join('\n'),
    );
    const rule = c.pfs[0];
    expect(rule?.vfSettings).toEqual({
      vlan: { id: 100, qos: 0, proto: '802.1Q' },
      spoofchk: false,
      trust: true,
      linkState: 'enable',
      maxTxRate: 1000,
      minTxRate: 10,
      queryRss: true,
    });
    expect(rule?.vfOverrides).toEqual({ 3: { vlan: { id: 200, qos: 5, proto: '802.1ad' }, trust: false } });
    expect(rule?.origin).toBe(`${FILE}: pfs[0]`);
  });

  it.each([
    ['    vf_settings: { vlan: 4096 }\n', 'pfs[0].vf_settings.vlan', 'expected a VLAN id'],
    ['    vf_settings: { vlan: { id: 10, qos: 8 } }\n', 'pfs[0].vf_settings.vlan.qos', 'QoS priority between 0 and 7'],
    ['    vf_settings: { vlan: { id: 10, proto: 802.1x } }\n', 'pfs[0].vf_settings.vlan', 'expected'],
    ['    vf_settings: { vlan: { id: 0, qos: 3 } }\n', 'pfs[0].vf_settings.vlan', 'VLAN 0 means none'],
    ['    vf_settings: { spoofcheck: true }\n', 'pfs[0].vf_settings.spoofcheck', 'unknown key'],
    ['    vf_settings: { link_state: up }\n', 'pfs[0].vf_settings.link_state', '"auto", "enable" or "disable"'],
    ['    vf_settings: { trust: yes please }\n', 'pfs[0].vf_settings.trust', 'true or false'],
    ['    vf_settings: { max_tx_rate: 100, min_tx_rate: 200 }\n', 'pfs[0].vf_settings.min_tx_rate', 'at most max_tx_rate (100)'],
    ['    vf_overrides: [ { index: 1, colour: red } ]\n', 'pfs[0].vf_overrides[0].colour', 'unknown key'],
    [
      '    vfs: 4\n    vf_overrides: [ { index: 4, trust: true } ]\n',
      'pfs[0].vf_overrides[0].index',
      "below the rule's vfs: 4 (VFs 0-3), got 4",
    ],
    ['    vf_overrides: [ { index: 1, trust: true }, { index: 1, vlan: 5 } ]\n', 'pfs[0].vf_overrides[1].index', 'also vf_overrides[0]'],
    [
      '    vf_settings: { max_tx_rate: 100 }\n    vf_overrides: [ { index: 0, min_tx_rate: 500 } ]\n',
      'pfs[0].vf_overrides[0].min_tx_rate',
      'at most',
    ],
  ])('%s is refused, naming the file, the place and what was expected', (pf, at, expected) => {
    const message = error(pf);
    expect(message).toContain(`${FILE}: ${at}: `);
    expect(message).toContain(expected);
  });

  it('relays: observe loads as the hands-off mode; another word is refused', () => {
    expect(mergeConfig([parseConfigText(FILE, 'relays: observe\n')]).relays).toBe('observe');
    expect(() => parseConfigText(FILE, 'relays: watch\n')).toThrow(`${FILE}: relays: expected "auto", "observe" or a list of relays`);
  });

  it('with vfs: max any index loads: the planner checks it against the PF', () => {
    expect(load('    vf_overrides: [ { index: 60, trust: true } ]\n').pfs[0]?.vfOverrides[60]).toEqual({ trust: true });
  });
});
