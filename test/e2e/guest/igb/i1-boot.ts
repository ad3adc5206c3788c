// Scenario 1, boot: the guest's second boot, with vfkeeper.service,
// the forwarder and NetworkManager enabled by the first. With no command
// typed, the PF must come up at MTU 9216 with 7 VFs on vfio-pci and their
// relays attached, each VF's administrative MAC (ip link's vf list) the
// stable MAC that `vfkeeper status` and `libvirt-xml` report, and
// NetworkManager must never have taken a VF.
import { readFile } from 'node:fs/promises';
import { runChecked } from '../lib/exec.js';
import { expectEqual } from '../lib/pci-expect.js';
import { readUnitProperties } from '../lib/systemctl.js';
import { runVfkeeper } from '../daemon/context.js';
import { pickJournalFields, parseJournalLines } from '../lib/journal.js';
import { UNIT, WAIT_MS, waitForIgbConverged, type IgbContext } from './context.js';
import type { I1Facts } from './facts.js';
import { readNmFacts } from './nm-facts.js';

export const LIBVIRT_IDS = [1, 7] as const;

async function readUptimeMs(): Promise<number> {
  return Math.round(Number((await readFile('/proc/uptime', 'utf8')).split(' ')[0]) * 1000);
}

/** The daemon's entries of this boot. */
export async function readBootEntries(): Promise<Record<string, string>[]> {
  const { stdout } = await runChecked(['journalctl', '-b', '-o', 'json', '--no-pager', `_SYSTEMD_UNIT=${UNIT}`], { timeoutMs: 30_000 });
  return parseJournalLines(stdout).map(pickJournalFields);
}

/** `vfkeeper status --json`'s VF MACs of the PF, by index. */
export function readStatusMacs(status: unknown): string[] {
  const pfs = (status as { pfs?: { vfs?: { index: number; mac?: string | null }[] }[] } | null)?.pfs ?? [];
  return [...(pfs[0]?.vfs ?? [])].sort((a, b) => a.index - b.index).map((v) => v.mac ?? '');
}

export async function runBoot(ctx: IgbContext): Promise<void> {
  const { rec } = ctx;
  const converged = await rec.step('i1: booted with vfkeeper enabled: PF up at 9216, 7 VFs on vfio-pci with relays, every VF with a MAC', async () => {
    const c = await waitForIgbConverged(ctx, performance.now(), WAIT_MS);
    rec.timing('i1 boot -> converged (guest uptime)', await readUptimeMs());
    return c;
  });
  const convergedAtUptimeMs = await readUptimeMs();
  ctx.macs.splice(0, ctx.macs.length, ...converged.state.net.vfMacs);
  const unit = await readUnitProperties(UNIT, ['ActiveState', 'SubState', 'NRestarts', 'MainPID', 'ExecMainStartTimestampMonotonic']);
  const statusCommand = await rec.step('i1: vfkeeper status --json: the stable MACs are the ones ip link lists', async () => {
    const out = await runVfkeeper(['status', '--json']);
    expectEqual('vfkeeper status --json exit status', out.status, 0);
    expectEqual('status MACs', readStatusMacs(JSON.parse(out.stdout)).join(' '), ctx.macs.join(' '));
    return out;
  });
  // The first and the last relay (VF 6 sits in the next slot, 01:11.4): each CLI start costs seconds under TCG.
  const libvirtXml = await rec.step(`i1: vfkeeper libvirt-xml --virtio-id ${LIBVIRT_IDS.join(', ')}: the same MACs`, async () => {
    const outs = [];
    for (const id of LIBVIRT_IDS) outs.push(await runVfkeeper(['libvirt-xml', '--virtio-id', String(id)]));
    outs.forEach((o, i) => {
      const mac = ctx.macs[(LIBVIRT_IDS[i] ?? 0) - 1] ?? '-';
      expectEqual(`libvirt-xml ${LIBVIRT_IDS[i] ?? 0} has MAC ${mac}`, o.stdout.includes(`<mac address='${mac}'/>`), true);
    });
    return outs;
  });
  const nm = await rec.step('i1: NetworkManager runs and never took a VF netdev', async () => {
    const facts = await readNmFacts();
    expectEqual('NetworkManager journal lines naming a VF netdev', facts.vfLines, []);
    return facts;
  });
  const facts: I1Facts = { state: converged.state, convergedAtUptimeMs, unit, status: JSON.parse(statusCommand.stdout) as unknown, statusCommand, libvirtXml, nm, entries: await readBootEntries() };
  rec.fact('i1', facts);
}
