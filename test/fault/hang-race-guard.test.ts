// Fault injection, continued: a sysfs write that hangs, a device removed
// between observe and apply, and disruptive changes asked for while a VF is
// in use (with the kernel primed to fail). Same warm start and invariant as
// sysfs-faults.test.ts: the VF a VM holds is never torn down.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostError } from '../../src/host/host-error.js';
import type { PciAddress } from '../../src/model/pci.js';
import { FaultRig, WRITE_DEADLINE_MS } from '../helpers/fault-rig.js';

const PF0 = '0000:02:00.0' as PciAddress;
const PF1 = '0000:03:00.0' as PciAddress;

let rig: FaultRig;
beforeEach(async () => {
  rig = new FaultRig();
  await rig.setUp();
  await rig.warmUp();
});
afterEach(() => rig.tearDown());

function expectInUseUntouched(): void {
  expect(rig.inUseNow()).toEqual({ driver: 'vfio-pci', relayed: true, pf0Writes: [] });
}

describe('a sysfs write that hangs', () => {
  it('is reported after the deadline, the stuck PF is not written again while it hangs, and the rest of the host is served', async () => {
    rig.arm({ path: `bus/pci/devices/${PF1}/sriov_numvfs`, errno: 'HANG' });
    const first = await rig.run();
    expect(first.converged).toBe(false);
    expect(rig.errors().join('\n')).toMatch(new RegExp(`sriov_numvfs has not returned after ${WRITE_DEADLINE_MS} ms.*ERR_SYSFS_TIMEOUT`));
    const second = await rig.run();
    expect(second.steps.find((s) => s.result === 'failed')?.error?.message).toMatch(
      /An earlier write to .*sriov_numvfs has still not returned/,
    );
    // PF 0 is still served: a run for it alone converges while PF 1's write hangs.
    rig.openVfio(0, 2);
    const pf0 = await rig.run([PF0]);
    expect(pf0.converged).toBe(true);
    expect(rig.vfsOf(1)).toEqual([]);
    expectInUseUntouched();
  });
});

describe('a device removed between observe and apply', () => {
  it('ends in a failed step that says the device is gone; the next run converges without it, and a rescan brings it back', async () => {
    const inner = rig.host.sysfs;
    let removed = false;
    rig.host = {
      ...rig.host,
      sysfs: {
        ...inner,
        async write(path, value) {
          if (!removed && path.startsWith(`bus/pci/devices/${PF1}/`)) {
            removed = true;
            await rig.sim.simulation?.apply('remove', PF1);
          }
          return inner.write(path, value);
        },
      },
    };
    const first = await rig.run();
    expect(removed).toBe(true);
    expect(first.converged).toBe(false);
    expect(rig.errors().join('\n')).toMatch(/0000:03:00\.0.*device removed\): ENODEV/);
    expect((await rig.run()).converged).toBe(true);
    await rig.sim.simulation?.apply('rescan', undefined);
    expect((await rig.runUntilConverged()).at(-1)?.converged).toBe(true);
    expect(rig.converged()).toBe(true);
    expectInUseUntouched();
  });
});

describe('a count change while a VF is in use', () => {
  it('is refused by the workload guard (exit 3) even with the kernel primed to fail, and PF 0 keeps its VFs', async () => {
    rig.arm({ path: `bus/pci/devices/${PF0}/sriov_numvfs`, errno: 'EBUSY' });
    await rig.writeConfig('pfs:\n  - match: { id: "19ee" }\n    vfs: 2\n');
    const r = await rig.run();
    expect(r.exitStatus).toBe(3);
    const refusal = rig.logger.entries.find(
      (e) => e.fields?.['VFKEEPER_ERROR'] === 'ERR_GUARD_VF_IN_USE' || /in use|is open by/.test(e.message),
    );
    expect(refusal?.message).toMatch(/0000:02:08\.1 is open by qemu-system-x86/);
    expect(rig.state.pfs[0]?.numVfs).toBe(4);
    expectInUseUntouched();
  });

  it('is refused when the workload scan itself fails (cannot tell is not nobody)', async () => {
    rig.host = {
      ...rig.host,
      workload: {
        openVfioGroups: () => Promise.reject(new HostError('ERR_SYSFS_EACCES', 'Could not read /proc: EACCES', { errno: 'EACCES' })),
      },
    };
    await rig.writeConfig('pfs:\n  - match: { id: "19ee" }\n    vfs: 2\n');
    const r = await rig.run();
    expect(r.converged).toBe(false);
    expect(r.refusals.map((x) => x.code)).toContain('ERR_GUARD_WORKLOAD_UNKNOWN');
    expect(rig.state.pfs[0]?.numVfs).toBe(4);
    expectInUseUntouched();
  });
});
