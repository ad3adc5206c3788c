// Scenario 8, VF settings on a real driver (issue 12): the configuration
// gives every VF VLAN 100, spoof checking off, trust on and a 100 Mbit/s TX
// limit (what igb takes, per the testbed's facts), VF 2 VLAN 200 QoS 3, and
// link_state enable, which igb refuses ("Operation not supported"): one
// warning naming igb, not a failure. `ip -j -d link show enp1s0` must show
// them; then `modprobe -r igb && modprobe igb` brings the VFs back at the
// hardware's defaults, and the daemon must put every setting back, with no
// second warning.
import { writeFile } from 'node:fs/promises';
import { parseIpVfInfo } from '../../../../src/host/real/parse-vf-info.js';
import { waitForDaemonEntries } from '../daemon/context.js';
import { runChecked } from '../lib/exec.js';
import { readJournalAfter, readJournalCursor, type JournalEntry } from '../lib/journal.js';
import { CONFIG_PATH } from '../lib/vfkeeper-install.js';
import { waitFor } from '../lib/wait.js';
import { MTU, PF_NETDEV, WAIT_MS, type IgbContext } from './context.js';
import type { I8Facts, VfSettingsFacts } from './facts.js';
import { disruptAndRepair } from './repair.js';
import { formatIgbConfig } from './setup.js';

const SETTINGS = [
  `    vf_settings: { vlan: 100, spoofchk: false, trust: true, max_tx_rate: 100, link_state: enable }`,
  `    vf_overrides: [ { index: 2, vlan: { id: 200, qos: 3 } } ]`,
];
const isWarning = (e: JournalEntry): boolean => e.VFKEEPER_ERROR === 'ERR_VF_SETTING_UNSUPPORTED';

/** Each VF's settings as the PF reports them (ip -j -d link show). */
async function readSettings(): Promise<VfSettingsFacts> {
  const { stdout } = await runChecked(['ip', '-j', '-d', 'link', 'show', 'dev', PF_NETDEV], { timeoutMs: 20_000 });
  return [...parseIpVfInfo(stdout, PF_NETDEV)].sort(([a], [b]) => a - b).map(([vf, info]) => ({ vf, ...info.settings }));
}

function isApplied(s: VfSettingsFacts, count: number): boolean {
  if (s.length !== count) return false;
  return s.every(
    (v) =>
      v.vlan.id === (v.vf === 2 ? 200 : 100) &&
      v.vlan.qos === (v.vf === 2 ? 3 : 0) &&
      v.spoofchk === false &&
      v.trust === true &&
      v.rate.max === 100,
  );
}

async function waitForSettings(count: number, what: string): Promise<VfSettingsFacts> {
  return waitFor(
    async () => {
      const s = await readSettings();
      return isApplied(s, count) ? s : undefined;
    },
    { what, timeoutMs: WAIT_MS, intervalMs: 500 },
  );
}

export async function runVfSettings(ctx: IgbContext): Promise<void> {
  const { rec } = ctx;
  const cursor = await readJournalCursor();
  const applied = await rec.step('i8 vf_settings and vf_overrides in the configuration: ip -d link show has them', async () => {
    await writeFile(
      CONFIG_PATH,
      formatIgbConfig('netdev', ctx.count).replace(`    mtu: ${MTU}\n`, `    mtu: ${MTU}\n${SETTINGS.join('\n')}\n`),
    );
    return waitForSettings(ctx.count, `VLAN, spoofchk, trust and rate on ${ctx.count} VFs`);
  });
  const warnings = await rec.step('i8 igb refuses link_state: one warning naming igb', () =>
    waitForDaemonEntries(cursor, (e) => e.some(isWarning), 'the link_state warning', 120_000),
  );
  const reload = await disruptAndRepair(ctx, 'i8 modprobe -r igb && modprobe igb', async () => {
    await runChecked(['modprobe', '-r', 'igb'], { timeoutMs: 120_000 });
    await runChecked(['modprobe', 'igb'], { timeoutMs: 120_000 });
  });
  const restored = await rec.step('i8 after the reload every setting is back', () =>
    waitForSettings(ctx.count, 'the settings back after the reload'),
  );
  const all = await readJournalAfter(cursor, ['SYSLOG_IDENTIFIER=vfkeeper']);
  const facts: I8Facts = { applied, warnings: warnings.filter(isWarning), reload, restored, warningCount: all.filter(isWarning).length };
  rec.fact('i8', facts);
}
