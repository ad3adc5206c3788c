// Issue 8 on a real kernel: one boot of the e2e guest, vfkeeper installed
// there with `make install` and driven only by what it watches (udev, the
// forwarder's unit, its configuration file, the dispatcher hooks). The guest
// records what sysfs, /dev/vfio, `vfkeeper status --json` and `journalctl -o
// json` showed at each point; the assertions are here.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { messageIdFor } from '../../src/journal/message-ids.js';
import {
  s1Schema,
  s2Schema,
  s2bSchema,
  s3Schema,
  s4Schema,
  s5Schema,
  s6Schema,
  s7Schema,
  s8Schema,
  type ChainFacts,
} from './guest/daemon/facts.js';
import { formatTimings } from './harness/format-timings.js';
import { countBy, entriesOfRun, isMessage, readFact, runsWokenBy, stepEntries, type Entry } from './harness/journal-facts.js';
import { formatFailure, runScenario, type ScenarioRun } from './harness/run-scenario.js';
import { PF, formatVfAddress, readVfCount } from './harness/vf-layout.js';

const N = readVfCount(process.env.VFKEEPER_E2E_VFS);
const VFS = Array.from({ length: N }, (_, i) => formatVfAddress(i));
/** CAP_CHOWN, CAP_DAC_READ_SEARCH, CAP_NET_ADMIN, CAP_SYS_MODULE, CAP_SYS_PTRACE: the unit's bounding set. */
const UNIT_CAPS = '0000000000091005';

let run: ScenarioRun;
let failure = '';
const fact = <T>(name: string, schema: Parameters<typeof readFact<T>>[2]): T => readFact(run, name, schema, failure);

/** VF i on vfio-pci with its node, on relay i+1, for the first `count` VFs. */
function expectConverged(chain: ChainFacts, count: number): void {
  const vfs = VFS.slice(0, count);
  expect(chain.numvfs, failure).toBe(count);
  expect(
    chain.vfs.map((v) => [v.pci, v.driver, v.vfioNode]),
    failure,
  ).toEqual(vfs.map((pci) => [pci, 'vfio-pci', true]));
  expect(chain.relays, failure).toEqual(Object.fromEntries(vfs.map((pci, i) => [String(i + 1), pci])));
}

/** Every step entry of a run: ok, its id, notice priority, from the unit. */
function expectStepEntriesOk(steps: readonly Entry[]): void {
  for (const e of steps) {
    expect(e, e.MESSAGE).toMatchObject({ VFKEEPER_RESULT: 'ok', PRIORITY: '5', _SYSTEMD_UNIT: 'vfkeeper.service' });
    expect(e.MESSAGE_ID, e.MESSAGE).toBe(messageIdFor(`step.${e.VFKEEPER_STEP ?? ''}.ok`));
  }
}

beforeAll(async () => {
  run = await runScenario('daemon', { image: inject('e2eImage'), vfs: N, deadlineSeconds: 600, smp: 2 });
  failure = await formatFailure(run);
  console.log(formatTimings(run));
}, 20 * 60_000);

describe(`daemon: vfkeeper installed on the guest's real kernel, ${N} VFs`, () => {
  it('runs every scenario to the end and exits 0', () => {
    expect(
      run.result?.steps.filter((s) => !s.ok),
      failure,
    ).toEqual([]);
    expect(run.exitStatus, failure).toBe(0);
  });

  it('is installed by make install from what the host staged: no npm, no compiler', () => {
    const install = String(run.result?.facts.install ?? '');
    // The host's node, shared into the guest, becomes the bundled runtime.
    expect(install, failure).toMatch(/^install -m 0755 \S+\/node \/usr\/lib\/vfkeeper\/node$/m);
    expect(install).toContain('cp -R dist debian-build/app/node_modules debian-build/app/package.json /usr/lib/vfkeeper/');
    expect(install).not.toMatch(/\bnpm\b|\btsc\b/);
  });
});

describe('1 start: systemctl enable --now vfkeeper', () => {
  it('is ready (Type=notify) only once every VF is on vfio-pci with its /dev/vfio node and every relay attached', () => {
    const s1 = fact('s1', s1Schema);
    expect(s1.unit).toMatchObject({ Type: 'notify', NotifyAccess: 'main', ActiveState: 'active', SubState: 'running', NRestarts: '0' });
    expectConverged(s1.atReady, N);
    const groups = s1.atReady.vfs.map((v) => v.iommuGroup ?? '');
    expect(s1.devVfio).toEqual(expect.arrayContaining([...groups, 'vfio']));
    expect(Object.values(s1.driverOverrides)).toEqual(Array(N).fill('vfio-pci'));
    expect(s1.autoprobe).toBe('0');
  });

  it('logs one journal entry per step of the start run, with its structured fields', () => {
    const { entries } = fact('s1', s1Schema);
    const [start] = runsWokenBy(entries, 'start');
    const runEntries = entriesOfRun(entries, start ?? '-');
    const steps = stepEntries(runEntries);
    expectStepEntriesOk(steps);
    expect(countBy(steps, 'VFKEEPER_STEP')).toEqual({
      'set-autoprobe': 1,
      'set-numvfs': 1,
      'load-module': 1,
      'bind-driver': N,
      'attach-relay': N,
      'chown-socket': 61,
    });
    expect(stepEntries(steps, 'set-numvfs')[0]).toMatchObject({ PCI_SLOT: PF, MESSAGE: `Set sriov_numvfs of ${PF} to ${N} (was 0)` });
    expect(countBy(stepEntries(steps, 'bind-driver'), 'VF_PCI_SLOT')).toEqual(Object.fromEntries(VFS.map((v) => [v, 1])));
    expect(stepEntries(steps, 'bind-driver').every((e) => e.PCI_SLOT === PF)).toBe(true);
    expect(stepEntries(steps, 'attach-relay').map((e) => [e.VIRTIO_ID, e.VF_PCI_SLOT])).toEqual(VFS.map((v, i) => [String(i + 1), v]));
    expect(new Set(stepEntries(steps, 'chown-socket').map((e) => e.SOCKET_PATH)).size).toBe(61);
    const end = runEntries.find((e) => isMessage(e, 'run.end'));
    expect(end).toMatchObject({ VFKEEPER_STEPS_DONE: String(steps.length), VFKEEPER_STEPS_FAILED: '0', VFKEEPER_CONVERGED: '1' });
    expect(entries.some((e) => isMessage(e, 'daemon.ready'))).toBe(true);
  });

  it('runs with exactly the capabilities the unit keeps', () => {
    const { entries } = fact('s1', s1Schema);
    expect(new Set(entries.map((e) => e._CAP_EFFECTIVE))).toEqual(new Set([UNIT_CAPS.replace(/^0+/, '')]));
  });

  it('shows the whole chain in vfkeeper status --json', () => {
    const s1 = fact('s1', s1Schema);
    expect(s1.statusCommand.status).toBe(0);
    expect(s1.status).toMatchObject({
      paused: false,
      forwarder: { reachable: true },
      pfs: [
        {
          pci: PF,
          driver: 'nvme',
          numvfs: N,
          totalvfs: N,
          vfs: VFS.map((pci, i) => ({
            index: i,
            pci,
            driver: 'vfio-pci',
            iommu_group: s1.atReady.vfs[i]?.iommuGroup,
            in_use_by: [],
            relay: { virtio_id: i + 1, state: 'attached' },
          })),
        },
      ],
    });
  });

  it('hands the socket directory and every socket to nobody:nogroup', () => {
    expect(fact('s1', s1Schema).sockets).toMatchObject({ checked: 61, wrong: [] });
  });
});

describe('3 systemctl restart virtio-forwarder', () => {
  it('attaches every relay again, in a run woken by the unit (D-Bus), and re-owns the new sockets', () => {
    const s3 = fact('s3', s3Schema);
    expect(s3.pidAfter).not.toBe(s3.pidBefore);
    expect(runsWokenBy(s3.entries, 'unit').length).toBeGreaterThan(0);
    const attached = stepEntries(s3.entries, 'attach-relay').filter((e) => e.VFKEEPER_RESULT === 'ok');
    expect(attached.map((e) => e.VIRTIO_ID).sort()).toEqual(VFS.map((_, i) => String(i + 1)).sort());
    expect(s3.sockets).toMatchObject({ checked: 61, wrong: [] });
  });
});

describe('4 a VF bound to nvme by hand', () => {
  it('really reached nvme: udev saw the bind', () => {
    const s4 = fact('s4', s4Schema);
    expect(s4.nvmeBind).toBe('ok');
    expect(s4.udev.map((r) => `${r.action} ${r.driver}`)).toEqual(expect.arrayContaining(['unbind ', 'bind nvme', 'bind vfio-pci']));
  });

  it('is put back on vfio-pci by the daemon, which udev woke', () => {
    const s4 = fact('s4', s4Schema);
    const bound = stepEntries(s4.entries, 'bind-driver').filter((e) => e.VF_PCI_SLOT === s4.vf);
    expectStepEntriesOk(bound);
    expect(bound.length).toBeGreaterThan(0);
    expect(runsWokenBy(s4.entries, 'udev').length).toBeGreaterThan(0);
    expectConverged(s4.after, N);
  });
});

describe('2 the device hot-removed (through its port) and the bus rescanned', () => {
  it('on removal: the PF, its VFs and their /dev/vfio nodes go, and the daemon detaches their relays', () => {
    const s2 = fact('s2', s2Schema);
    expect(s2.port).toBe('0000:00:01.0');
    expect(s2.removed).toMatchObject({ pfPresent: false, vfs: [], relays: {} });
    // udev reports them in the order its workers finish, not the kernel's.
    expect(new Set(s2.udev.filter((r) => r.action === 'remove').map((r) => r.pci))).toEqual(new Set([PF, ...VFS]));
    const detached = stepEntries(s2.removalEntries, 'detach-relay');
    expect(detached.map((e) => [e.VIRTIO_ID, e.VFKEEPER_RESULT]).sort()).toEqual(VFS.map((_, i) => [String(i + 1), 'ok']).sort());
    expect(runsWokenBy(s2.removalEntries, 'udev').length).toBeGreaterThan(0);
  });

  it('on rescan: repaired by the same daemon, which udev woke, with no command typed', () => {
    const s2 = fact('s2', s2Schema);
    expectConverged(s2.repaired, N);
    expect(s2.unitAfter).toMatchObject({ MainPID: s2.unitBefore.MainPID, NRestarts: '0', ActiveState: 'active' });
    const repairs = stepEntries(s2.repairEntries);
    expectStepEntriesOk(repairs);
    expect(countBy(repairs, 'VFKEEPER_STEP')).toEqual({ 'set-autoprobe': 1, 'set-numvfs': 1, 'bind-driver': N, 'attach-relay': N });
    expect(runsWokenBy(s2.repairEntries, 'udev').length).toBeGreaterThan(0);
  });

  it('the installed rule tags the PF for systemd (wanting vfkeeper.service) and keeps NetworkManager off the VFs', () => {
    const s2 = fact('s2', s2Schema);
    expect(s2.pfProperties.SYSTEMD_WANTS?.split(' ')).toContain('vfkeeper.service');
    expect(s2.pfProperties.TAGS).toContain(':systemd:');
    expect(s2.vfProperties.NM_UNMANAGED).toBe('1');
    expect(s2.deviceWants.split(' ')).toContain('vfkeeper.service');
    const pf = s2.udev.filter((r) => r.pci === PF).map((r) => `${r.action} ${r.driver}`);
    expect(pf.indexOf('add ')).toBeLessThan(pf.indexOf('bind nvme'));
  });
});

describe('2b the PF alone removed with VFs enabled (echo 1 > 0000:01:00.0/remove), then rescanned', () => {
  it('leaves its VFs behind (nvme does not disable SR-IOV on remove)', () => {
    const s2b = fact('s2b', s2bSchema);
    expect(s2b.leftBehind.map((v) => [v.physfn, v.driver])).toEqual(s2b.leftBehind.map(() => [`../${PF}`, 'vfio-pci']));
    expect(s2b.leftBehind.length).toBeGreaterThan(0);
  });

  it('vfkeeper refuses to create VFs over them, says why and how to fix it, and never writes the count', () => {
    const s2b = fact('s2b', s2bSchema);
    expect(s2b.rescanned).toMatchObject({ pfPresent: true, numvfs: 0 });
    const refusal = s2b.entries.find((e) => isMessage(e, 'refusal.blocked.ERR_STRAY_VFS'));
    expect(refusal).toMatchObject({ PRIORITY: '3', VFKEEPER_RESULT: 'failed', VFKEEPER_ERROR: 'ERR_STRAY_VFS', PCI_SLOT: PF });
    expect(refusal?.MESSAGE).toContain(`${s2b.leftBehind.map((v) => v.pci).join(', ')} already exist without being its VFs`);
    expect(refusal?.VFKEEPER_HINT).toContain('echo 1 > /sys/bus/pci/rescan');
    expect(stepEntries(s2b.entries, 'set-numvfs')).toEqual([]);
  });

  it('keeps the kernel intact and the daemon running', () => {
    const s2b = fact('s2b', s2bSchema);
    expect(s2b.kernel.filter((m) => /duplicate filename|kernel BUG|Call Trace/.test(m))).toEqual([]);
    expect(s2b.unit).toMatchObject({ ActiveState: 'active', NRestarts: '0' });
  });
});

describe('5 the workload guard: a held VF and vfs: 2', () => {
  it('refuses on the file change and on systemctl reload, and the journal says why', () => {
    const s5 = fact('s5', s5Schema);
    expect(s5.holder.comm).toBe('sleep');
    expect(s5.entries.some((e) => isMessage(e, 'config.reloaded'))).toBe(true);
    for (const entries of [s5.entries, s5.reloadEntries]) {
      const refusal = entries.find((e) => isMessage(e, 'refusal.guard'));
      expect(refusal, JSON.stringify(entries.slice(-5))).toMatchObject({
        PRIORITY: '4',
        VFKEEPER_RESULT: 'refused',
        VFKEEPER_ERROR: 'ERR_GUARD_VF_IN_USE',
        PCI_SLOT: PF,
      });
      expect(refusal?.MESSAGE).toBe(
        `Not changing the VF count of ${PF} from ${N} to 2: ${s5.holder.vf} is open by sleep[${s5.holder.pid}]`,
      );
    }
  });

  it('tears nothing down', () => {
    const s5 = fact('s5', s5Schema);
    expectConverged(s5.afterRefusal, N);
    expect(
      stepEntries([...s5.entries, ...s5.reloadEntries]).filter(
        (e) => e.VFKEEPER_STEP === 'set-numvfs' || e.VFKEEPER_STEP === 'detach-relay',
      ),
    ).toEqual([]);
  });

  it('vfkeeper reconcile exits 3 and prints the refusal; status names the holder; the catalog explains it', () => {
    const s5 = fact('s5', s5Schema);
    expect(s5.reconcile.status).toBe(3);
    expect(s5.reconcile.stdout).toContain(
      `REFUSED  Not changing the VF count of ${PF} from ${N} to 2: ${s5.holder.vf} is open by sleep[${s5.holder.pid}]`,
    );
    expect(s5.status).toMatchObject({
      pfs: [{ vfs: expect.arrayContaining([expect.objectContaining({ pci: s5.holder.vf, in_use_by: [`sleep[${s5.holder.pid}]`] })]) }],
    });
    expect(s5.catalog).toContain(messageIdFor('refusal.guard'));
  });

  it('applies the new count on reload once the holder is gone', () => {
    expectConverged(fact('s5', s5Schema).released, 2);
  });
});

describe('8 the dispatcher hooks, for an interface vfkeeper does not manage', () => {
  it('are installed where NetworkManager and networkd-dispatcher look, and exit 0 quietly', () => {
    const { hooks } = fact('s8', s8Schema);
    expect(hooks.map((h) => [h.path, h.mode, h.status, h.stdout, h.stderr])).toEqual([
      ['/usr/lib/NetworkManager/dispatcher.d/90-vfkeeper', '755', 0, '', ''],
      ['/usr/lib/networkd-dispatcher/routable.d/90-vfkeeper', '755', 0, '', ''],
      ['/usr/lib/networkd-dispatcher/configured.d/90-vfkeeper', '755', 0, '', ''],
    ]);
  });

  it('are each logged by the daemon as ignored', () => {
    const ignored = fact('s8', s8Schema).entries.filter((e) => e.VFKEEPER_EVENT === 'hook');
    expect(ignored.map((e) => e.MESSAGE).sort()).toEqual(
      ['configured', 'routable', 'up'].map((a) => `Ignoring hook event ${a} for lo: lo is not a managed PF`),
    );
    for (const e of ignored) expect(e).toMatchObject({ PRIORITY: '6', NETDEV: 'lo', MESSAGE_ID: messageIdFor('event.ignored') });
  });
});

describe('7 the unit under systemd 252', () => {
  it('has an exposure of 4.0 or less by systemd-analyze security', () => {
    const { exposure } = fact('s7', s7Schema);
    expect(exposure).not.toBeNull();
    expect(exposure).toBeLessThanOrEqual(4.0);
  });

  it('passes systemd-analyze verify, man page included', () => {
    expect(fact('s7', s7Schema).verify).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('runs the daemon with no_new_privs, a seccomp filter and only the bounded capabilities', () => {
    expect(fact('s7', s7Schema).proc).toMatchObject({
      CapEff: UNIT_CAPS,
      CapBnd: UNIT_CAPS,
      CapAmb: '0000000000000000',
      NoNewPrivs: '1',
      Seccomp: '2',
      Uid: '0\t0\t0\t0',
    });
  });
});

describe('6 coldplug: udevadm trigger --action=add with vfkeeper stopped', () => {
  it('starts vfkeeper through the rule, and it comes up ready', () => {
    const s6 = fact('s6', s6Schema);
    expect([s6.before, s6.after]).toEqual(['inactive', 'active']);
    expect(s6.entries.some((e) => e.UNIT === 'vfkeeper.service' && e.JOB_TYPE === 'start')).toBe(true);
    expect(s6.entries.some((e) => isMessage(e, 'daemon.ready'))).toBe(true);
  });
});
