// The real-kernel smoke test: boots the e2e guest once and checks, from the
// results its smoke scenario wrote, that the kernel does what
// docs/vm-testbed.md says and that journald, D-Bus and udev work in the guest.
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { formatFailure, runScenario, type ScenarioRun } from './harness/run-scenario.js';
import { formatTimings } from './harness/format-timings.js';
import { PF, formatVfAddress, readVfCount } from './harness/vf-layout.js';

const N = readVfCount(process.env.VFKEEPER_E2E_VFS);

const expectedSteps = [
  'running in the end-to-end guest',
  'udev monitor listening (PF change round trip)',
  `PF ${PF} is 0x1b36:0x0010 on nvme with sriov_totalvfs = ${N} and no VFs`,
  'sriov_drivers_autoprobe = 0',
  `sriov_numvfs = ${N} creates ${N} unbound VFs`,
  'modprobe vfio-pci',
  'driver_override + unbind + drivers_probe: each VF on vfio-pci with /dev/vfio/<group>',
  'udevadm settle',
  'udev: each VF add (no DRIVER), then bind DRIVER=vfio-pci; no nvme bind',
  `sriov_numvfs = ${N} again is a no-op`,
  ...(N >= 2 ? [`sriov_numvfs = ${N - 1} while ${N} exist is EBUSY`] : []),
  `sriov_numvfs = ${N + 1} (above sriov_totalvfs) is ERANGE`,
  'sriov_numvfs = 0 removes the VFs and their /dev/vfio nodes',
  'journald: a native-binding entry read back with journalctl -o json',
  'system D-Bus: busctl and dbus-next reach org.freedesktop.systemd1',
];

describe(`smoke: the guest's real kernel with an SR-IOV NVMe PF of ${N} VFs`, () => {
  let run: ScenarioRun;
  let failure = '';

  beforeAll(async () => {
    run = await runScenario('smoke', { image: inject('e2eImage'), vfs: N, deadlineSeconds: 300 });
    failure = await formatFailure(run);
    console.log(formatTimings(run));
  }, 15 * 60_000);

  it('runs to the end and exits 0', () => {
    expect(run.exitStatus, failure).toBe(0);
    expect(run.result?.passed, failure).toBe(true);
  });

  it.each(expectedSteps)('step passed: %s', (name) => {
    const step = run.result?.steps.find((s) => s.name === name);
    expect(step, `step "${name}" did not run\n${failure}`).toBeDefined();
    expect(step?.error, failure).toBeUndefined();
    expect(step?.ok).toBe(true);
  });

  it(`creates VFs ${formatVfAddress(0)} .. ${formatVfAddress(N - 1)}, each in its own IOMMU group`, () => {
    const expected = Array.from({ length: N }, (_, i) => formatVfAddress(i));
    expect(run.result?.facts.vfs, failure).toEqual(expected);
    const groups = run.result?.facts.iommuGroups;
    expect(groups, failure).toBeTypeOf('object');
    expect(new Set(Object.values(groups ?? {})).size).toBe(N);
  });

  it('talks to systemd 252 over the system bus', () => {
    expect(run.result?.facts.systemdVersion, failure).toMatch(/^s "252\./);
  });
});
