// A rule that matches nothing (a typo in `match:`) is said: a warning in
// reconcile's output and JSON, and in the journal with its own MESSAGE_ID;
// status shows each rule with the PFs it matched. The run still converges.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdFor } from '../../src/journal/message-ids.js';
import type { Refusal } from '../../src/model/step.js';
import { refusalEntry } from '../../src/reconcile/run-entries.js';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
let args: string[];
beforeAll(() => {
  t = tempDir();
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--vfs', '2']).stdout);
  writeFileSync(
    t.path('c.yaml'),
    'forwarder: { enabled: false }\npfs:\n  - match: { netdev: enp2s0np0 }\n  - match: { netdev: enp2s0pn0 }\n',
  );
  args = ['--simulate', t.path('h.json'), '--config', t.path('c.yaml')];
});
afterAll(() => t.remove());

const warning = () => `Rule ${t.path('c.yaml')}: pfs[1] (match netdev enp2s0pn0) matches no PF on this host (or an earlier rule took them)`;

describe('a rule that matches nothing', () => {
  it('is a warning of reconcile (text, JSON and journal), which still converges', () => {
    const text = vfkeeper(['reconcile', ...args]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`WARN     ${warning()}`);
    expect(text.stdout).toMatch(/converged\.\n$/);
    // The journal entry (on stderr without journald), with its catalog id.
    const line = text.stderr.split('\n').find((l) => l.includes('ERR_RULE_UNMATCHED')) ?? '';
    expect(line).toMatch(/^<4>Rule /);
    const json = JSON.parse(vfkeeper(['reconcile', '--json', ...args]).stdout) as { converged: boolean; refusals: Refusal[] };
    expect(json.converged).toBe(true);
    expect(json.refusals).toEqual([expect.objectContaining({ kind: 'warning', code: 'ERR_RULE_UNMATCHED', pf: null, why: warning() })]);
    // Its journal entry carries the catalog's own id for it (units/vfkeeper.catalog explains it).
    const refusal = json.refusals[0];
    if (refusal === undefined) throw new Error('no refusal');
    const entry = refusalEntry({ run: 'r', event: 'cli' }, refusal);
    expect(entry.messageId).toBe(messageIdFor('refusal.warning.ERR_RULE_UNMATCHED'));
    expect(entry.messageId).not.toBe(messageIdFor('refusal.warning'));
  });

  it('status lists each rule with what it matched, and the warning', () => {
    const json = JSON.parse(vfkeeper(['status', '--json', ...args]).stdout) as { rules: unknown; warnings: unknown };
    expect(json.rules).toEqual([
      { rule: `${t.path('c.yaml')}: pfs[0]`, match: 'netdev enp2s0np0', pfs: ['0000:02:00.0'] },
      { rule: `${t.path('c.yaml')}: pfs[1]`, match: 'netdev enp2s0pn0', pfs: [] },
    ]);
    expect(json.warnings).toEqual([warning()]);
    const text = vfkeeper(['status', ...args]).stdout;
    expect(text).toContain(`rule ${t.path('c.yaml')}: pfs[1] (match netdev enp2s0pn0): matches nothing\n`);
    expect(text).toContain(`WARN: ${warning()}\n`);
  });
});
