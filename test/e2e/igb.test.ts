// Issue 14 on a real SR-IOV Ethernet PF: QEMU 10's igb (Intel 82576, 7 VFs)
// in the guest with the network stacks, two boots of one disk (the first
// installs and enables vfkeeper, the second is scenario 1's boot). The
// guest records what sysfs, `ip -j -d link show`, `vfkeeper status --json`,
// NetworkManager and the journal showed; the assertions are here.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { messageIdFor } from '../../src/journal/message-ids.js';
import {
  i1Schema,
  i2Schema,
  i3Schema,
  i4Schema,
  i5Schema,
  i6Schema,
  i7Schema,
  i8Schema,
  type RepairFacts,
  type StateFacts,
} from './guest/igb/facts.js';
import { formatTimings } from './harness/format-timings.js';
import { countBy, isMessage, readFact, runsWokenBy, stepEntries, type Entry } from './harness/journal-facts.js';
import { formatFailure, runScenario, type ScenarioRun } from './harness/run-scenario.js';

const PF = '0000:01:00.0';
const NETDEV = 'enp1s0';
/** igb's VFs: routing id offset 128, stride 2 (VF n at 01:10.(2n), VF 4+ at 01:11.x). */
const VFS = Array.from({ length: 7 }, (_, n) => {
  const devfn = 128 + 2 * n;
  return `0000:01:${(devfn >> 3).toString(16).padStart(2, '0')}.${(devfn & 7).toString(16)}`;
});

let run: ScenarioRun;
let failure = '';
const fact = <T>(name: string, schema: Parameters<typeof readFact<T>>[2]): T => readFact(run, name, schema, failure);
const macs = (): string[] => fact('i1', i1Schema).state.net.vfMacs;

/** Everything an operator checks: VFs on vfio-pci (relays 1..n), PF up at 9216 as enp1s0, the stable MACs. */
function expectConverged(state: StateFacts, count = 7): void {
  expect(
    state.chain.vfs.map((v) => [v.pci, v.driver, v.vfioNode]),
    failure,
  ).toEqual(VFS.slice(0, count).map((pci) => [pci, 'vfio-pci', true]));
  expect(state.chain.relays).toEqual(Object.fromEntries(VFS.slice(0, count).map((pci, i) => [String(i + 1), pci])));
  expect(state.net).toMatchObject({ netdev: NETDEV, mtu: 9216, up: true });
  expect(state.net.vfMacs).toEqual(macs().slice(0, count));
}

/** No entry of the daemon is an error: a PF going away or coming back is reported quietly. */
function expectNoErrors(entries: readonly Entry[]): void {
  expect(entries.filter((e) => Number(e.PRIORITY) <= 3).map((e) => e.MESSAGE)).toEqual([]);
}

/** No step ever wrote a MAC but the stable one, or acted on the PF under another name than enp1s0. */
function expectStableSteps(entries: readonly Entry[]): void {
  const macSteps = stepEntries(entries, 'set-vf-mac');
  for (const e of macSteps) expect(macs()).toContain(/ to (\S+)/.exec(e.MESSAGE ?? '')?.[1]);
  expect(
    stepEntries(entries)
      .filter((e) => e.NETDEV !== undefined && e.NETDEV !== NETDEV)
      .map((e) => e.MESSAGE),
  ).toEqual([]);
}

function expectRepair(r: RepairFacts, count = 7): void {
  expectConverged(r.state, count);
  expectNoErrors(r.entries);
  expectStableSteps(r.entries);
}

beforeAll(async () => {
  run = await runScenario('igb', {
    image: inject('e2eNetImage'),
    qemu10: inject('e2eQemu10'),
    pf: 'igb',
    vfs: 7,
    deadlineSeconds: 1200,
    smp: 2,
  });
  failure = await formatFailure(run);
  console.log(formatTimings(run));
}, 40 * 60_000);

describe("igb: vfkeeper on QEMU 10's SR-IOV NIC (82576, 7 VFs), two boots", () => {
  it('runs every scenario to the end and exits 0', () => {
    expect(
      run.result?.steps.filter((s) => !s.ok),
      failure,
    ).toEqual([]);
    expect(run.exitStatus, failure).toBe(0);
    expect(run.vm?.boots).toBe(2);
  });
});

describe('i1 boot with vfkeeper enabled, vfs: max, mtu: 9216, the default firmware check', () => {
  it('brings the PF up at 9216 with 7 VFs on vfio-pci (offset 128, stride 2) and their relays', () => {
    const i1 = fact('i1', i1Schema);
    expectConverged(i1.state);
    expect(i1.unit).toMatchObject({ ActiveState: 'active', NRestarts: '0' });
  });

  it("sets each VF's administrative MAC to the stable MAC that status and libvirt-xml report", () => {
    const i1 = fact('i1', i1Schema);
    expect(new Set(i1.state.net.vfMacs).size).toBe(7);
    const status = i1.status as { pfs: { netdev: string; vfs: { index: number; mac: string }[] }[] };
    expect(status.pfs[0]?.netdev).toBe(NETDEV);
    expect(status.pfs[0]?.vfs.map((v) => v.mac)).toEqual(i1.state.net.vfMacs);
    expect(i1.libvirtXml.map((x) => /<mac address='([^']+)'\/>/.exec(x.stdout)?.[1])).toEqual([
      i1.state.net.vfMacs[0],
      i1.state.net.vfMacs[6],
    ]);
  });

  it('logs the boot without an error or a refusal (igb has no firmware flavours)', () => {
    const { entries } = fact('i1', i1Schema);
    expectNoErrors(entries);
    expectStableSteps(entries);
    expect(entries.filter((e) => e.VFKEEPER_RESULT === 'refused' || e.VFKEEPER_RESULT === 'failed').map((e) => e.MESSAGE)).toEqual([]);
    expect(entries.some((e) => isMessage(e, 'daemon.ready'))).toBe(true);
    expect(countBy(stepEntries(entries, 'set-vf-mac'), 'VFKEEPER_STEP')).toEqual({ 'set-vf-mac': 7 });
  });

  it('keeps NetworkManager off every VF: no VF device, no Wired connection, no DHCP on a VF', () => {
    const { nm } = fact('i1', i1Schema);
    expect(nm.vfLines).toEqual([]);
    expect(nm.connections).not.toContain('Wired connection');
    expect(nm.devices).toMatch(/^enp1s0:ethernet:connected:testbed-pf$/m);
  });
});

describe('i2 driver reload: modprobe -r igb && modprobe igb', () => {
  it('comes back with the same VFs, MTU, MACs and vfio-pci, repaired by a run udev woke', () => {
    const i2 = fact('i2', i2Schema);
    expectRepair(i2);
    expect(runsWokenBy(i2.entries, 'udev').length).toBeGreaterThan(0);
    expect(stepEntries(i2.entries, 'set-numvfs').map((e) => e.VFKEEPER_RESULT)).toEqual(['ok']);
  });
});

describe('i3 PF remove + rescan, matched by PCI address, then by interface name', () => {
  it('is repaired every round, with the same MACs and never under the kernel name eth0', () => {
    const { rounds } = fact('i3', i3Schema);
    expect(rounds.map((r) => r.what.replace(/, round \d+$/, ''))).toEqual(
      ['PCI address', 'PCI address', 'interface name', 'interface name'].map((m) => `i3 remove + rescan, PF matched by ${m}`),
    );
    for (const r of rounds) expectRepair(r);
  });

  it('by interface name too: a run udev woke re-creates the VFs (no wait for the resync)', () => {
    for (const r of fact('i3', i3Schema).rounds.slice(2)) {
      expect(runsWokenBy(r.entries, 'udev').length, r.what).toBeGreaterThan(0);
      expect(
        stepEntries(r.entries, 'set-numvfs').map((e) => e.VFKEEPER_RESULT),
        r.what,
      ).toEqual(['ok']);
    }
  });
});

describe('i4 networkd-dispatcher', () => {
  it('runs the hook on routable and configured, logged as VFKEEPER_EVENT=hook for enp1s0', () => {
    const hooks = fact('i4', i4Schema).startEntries.filter((e) => e.VFKEEPER_EVENT === 'hook');
    expect(hooks.map((e) => e.NETDEV)).toContain(NETDEV);
  });

  it('repairs MTU and a foreign VF MAC in a run the hook woke', () => {
    const { mtu } = fact('i4', i4Schema);
    expectRepair(mtu);
    const hookRuns = runsWokenBy(mtu.entries, 'hook');
    expect(hookRuns.length).toBeGreaterThan(0);
    expect(
      stepEntries(mtu.entries)
        .filter((e) => hookRuns.includes(e.VFKEEPER_RUN ?? ''))
        .map((e) => e.VFKEEPER_STEP),
    ).toEqual(expect.arrayContaining(['set-mtu', 'set-vf-mac']));
  });

  it('does not loop on the PF reset of its own count write: a few runs, then quiet', () => {
    const { reset } = fact('i4', i4Schema);
    expectRepair(reset);
    // One run re-creates the VFs (its count write resets the PF: carrier
    // down and up, so networkd goes configuring, configured, routable and
    // the dispatcher runs the hook, several times while networkd settles
    // under TCG). Each hook wakes at most one run, and none of those
    // writes anything that could reset the PF again: no loop, and the
    // guest saw no run start for 20 s afterwards.
    expect(stepEntries(reset.entries, 'set-numvfs').length).toBe(1);
    const finished = reset.entries.filter((e) => isMessage(e, 'run.end'));
    expect(finished.filter((e) => e.VFKEEPER_STEPS_DONE !== '0')).toHaveLength(1);
    const hooks = reset.entries.filter((e) => e.VFKEEPER_EVENT === 'hook' && /^Hook event /.test(e.MESSAGE ?? ''));
    expect(runsWokenBy(reset.entries, 'hook').length).toBeLessThanOrEqual(hooks.length);
  });
});

describe('i5 NetworkManager', () => {
  it('nmcli device down + up of the PF wakes vfkeeper through the NM hook, which repairs it', () => {
    const { downUp } = fact('i5', i5Schema);
    expectRepair(downUp);
    expect(runsWokenBy(downUp.entries, 'hook').length).toBeGreaterThan(0);
    expect(stepEntries(downUp.entries, 'set-vf-mac').length).toBeGreaterThan(0);
  });

  it('never takes a VF', () => {
    const { nm } = fact('i5', i5Schema);
    expect(nm.vfLines).toEqual([]);
    expect(nm.connections).not.toContain('Wired connection');
  });
});

describe('i6 the hooks with vfkeeper.service stopped', () => {
  it('repair the PF alone: a vfkeeper process of the hook, not the unit, re-creates the VFs', () => {
    const i6 = fact('i6', i6Schema);
    expect(i6.unitState).toBe('inactive');
    expectRepair(i6.repair);
    const steps = stepEntries(i6.allEntries);
    expect(steps.filter((e) => e.VFKEEPER_STEP === 'set-numvfs').map((e) => e.VFKEEPER_RESULT)).toEqual(['ok']);
    expect(steps.every((e) => e._SYSTEMD_UNIT !== 'vfkeeper.service')).toBe(true);
    // ... and yet `journalctl -u vfkeeper` shows them: the hook's process logs them as about the unit.
    const underUnit = new Set(stepEntries(i6.underUnit).map((e) => e.MESSAGE));
    expect(steps.map((e) => e.MESSAGE).filter((m) => !underUnit.has(m))).toEqual([]);
    expect(
      i6.allEntries
        .filter((e) => isMessage(e, 'run.start'))
        .every((e) => e.VFKEEPER_EVENT === 'hook' || (e.VFKEEPER_EVENTS ?? '').includes('hook')),
    ).toBe(true);
  });
});

describe('i7 the workload guard on a real /dev/vfio holder', () => {
  it('refuses vfs: 4 while VF 1 is held: exit 3, the refusal and its catalog entry in the journal', () => {
    const i7 = fact('i7', i7Schema);
    const refusal = i7.refusalEntries.find((e) => isMessage(e, 'refusal.guard'));
    expect(refusal).toMatchObject({ VFKEEPER_ERROR: 'ERR_GUARD_VF_IN_USE', PCI_SLOT: PF });
    expect(refusal?.MESSAGE).toBe(`Not changing the VF count of ${PF} from 7 to 4: ${i7.holder.vf} is open by sleep[${i7.holder.pid}]`);
    expect(i7.reconcile.status).toBe(3);
    expect(i7.catalog).toContain(messageIdFor('refusal.guard'));
    expect(i7.reconcile.stdout).not.toContain('Nothing to do');
  });

  it('changes nothing while held, and applies 4 VFs with their stable MACs once released', () => {
    const i7 = fact('i7', i7Schema);
    expectConverged(i7.afterRefusal);
    expect(stepEntries(i7.refusalEntries).filter((e) => e.VFKEEPER_STEP === 'set-numvfs')).toEqual([]);
    expectRepair(i7.released, 4);
  });
});

describe('i8 VF settings on the igb PF', () => {
  it('sets VLAN, QoS, spoofchk, trust and rate as configured, warns once that igb has no link state, and puts them back after a driver reload', () => {
    const i8 = fact('i8', i8Schema);
    const want = (vf: number) => ({
      vf,
      vlan: { id: vf === 2 ? 200 : 100, qos: vf === 2 ? 3 : 0, proto: '802.1Q' },
      spoofchk: false,
      trust: true,
      rate: { max: 100, min: 0 },
    });
    for (const settings of [i8.applied, i8.restored]) {
      expect(settings).toEqual(settings.map((s) => expect.objectContaining(want(s.vf))));
      // As many VFs as the scenarios before left (4 after i7's vfs: 4).
      expect(settings.length).toBe(i8.applied.length);
    }
    expect(i8.applied.length).toBeGreaterThan(2);
    expect(i8.warnings[0]).toMatchObject({
      PCI_SLOT: PF,
      VFKEEPER_DRIVER: 'igb',
      VFKEEPER_SETTING: 'link_state',
      ERRNO: 'EOPNOTSUPP',
      PRIORITY: '4',
    });
    expect(i8.warnings[0]?.MESSAGE_ID).toBe(messageIdFor('vf-setting.unsupported'));
    expect(i8.warningCount).toBe(1);
    expectRepair(i8.reload, i8.applied.length);
  });
});
