// Scenario 5, NetworkManager: networkd handed the PF back, NetworkManager
// manages it (keyfile testbed-pf). A foreign VF MAC and MTU 1500 set by
// hand make no uevent; `nmcli device down` then `up` of the PF runs the
// installed NM hook (`up`), which wakes the daemon: it puts both back.
// NetworkManager must never have taken a VF netdev.
import { unlink } from 'node:fs/promises';
import { runChecked } from '../lib/exec.js';
import { readJournalCursor } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { runSystemctl } from '../lib/systemctl.js';
import { waitForDaemonEntries } from '../daemon/context.js';
import { PF_NETDEV, runIp, type IgbContext } from './context.js';
import type { I5Facts } from './facts.js';
import { FOREIGN_MAC } from './i4-networkd.js';
import { readNmFacts } from './nm-facts.js';
import { disruptAndRepair } from './repair.js';
import { NETWORKD_FILE } from './setup.js';

const nmcli = (args: readonly string[]) => runChecked(['nmcli', ...args], { timeoutMs: 90_000 });
const isNmUp = (e: Record<string, string>): boolean => e.VFKEEPER_EVENT === 'hook' && e.NETDEV === PF_NETDEV && (e.MESSAGE ?? '').includes('up');

async function handOverToNm(ctx: IgbContext): Promise<void> {
  await ctx.rec.step('i5 networkd stopped; NetworkManager manages enp1s0 again: its hook wakes the daemon (up)', async () => {
    const cursor = await readJournalCursor();
    await runSystemctl(['stop', 'networkd-dispatcher.service', 'systemd-networkd.socket', 'systemd-networkd.service']);
    await unlink(NETWORKD_FILE);
    await runSystemctl(['start', 'NetworkManager.service'], 120_000);
    await waitForDaemonEntries(cursor, (e) => e.some(isNmUp), 'a hook event up for enp1s0', 120_000);
  });
}

export async function runNetworkManager(ctx: IgbContext): Promise<void> {
  await handOverToNm(ctx);
  const downUp = await disruptAndRepair(ctx, 'i5 MTU 1500 and a foreign VF 0 MAC by hand, nmcli device down + up', async () => {
    await runIp(['link', 'set', 'dev', PF_NETDEV, 'mtu', '1500']);
    await runIp(['link', 'set', 'dev', PF_NETDEV, 'vf', '0', 'mac', FOREIGN_MAC]);
    await nmcli(['device', 'down', PF_NETDEV]);
    await nmcli(['device', 'up', PF_NETDEV]);
  });
  const nm = await ctx.rec.step('i5 NetworkManager never took a VF netdev', async () => {
    const facts = await readNmFacts();
    expectEqual('NetworkManager journal lines naming a VF netdev', facts.vfLines, []);
    return facts;
  });
  const facts: I5Facts = { downUp, nm };
  ctx.rec.fact('i5', facts);
}
