// Fault injection on the simulated kernel: each sysfs errno the kernel can
// answer, a write that hangs, and a device that goes away between observe
// and apply. Every scenario starts warm: PF 0 converged with a VF in use by
// a VM, PF 1 just hot-added (numvfs 0). Each must end converged, or refused
// with a journal entry that names the errno, and never with the VF in use
// torn down (nor any write to PF 0's count).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimFault } from '../../src/host/sim/state.js';
import { FaultRig } from '../helpers/fault-rig.js';

const PF1 = '0000:03:00.0';
const VF1 = '0000:03:08.0';
const numvfs = `bus/pci/devices/${PF1}/sriov_numvfs`;

interface Scenario {
  name: string;
  faults: SimFault[];
  /** converged: within a few runs with the fault armed; refused: not while it stays, then converged once it is gone. */
  ends: 'converged' | 'refused';
  /** What the journal's error entries must say. */
  journal: RegExp;
}

const SCENARIOS: Scenario[] = [
  { name: 'EBUSY on sriov_numvfs, once', faults: [{ path: numvfs, errno: 'EBUSY', times: 1 }], ends: 'converged', journal: /EBUSY/ },
  { name: 'ERANGE on sriov_numvfs', faults: [{ path: numvfs, errno: 'ERANGE' }], ends: 'refused', journal: /ERANGE.*above sriov_totalvfs/ },
  {
    name: 'ENOENT on sriov_numvfs (no PF driver yet), twice',
    faults: [{ path: numvfs, errno: 'ENOENT', times: 2 }],
    ends: 'converged',
    journal: /ENOENT/,
  },
  {
    name: 'ENODEV on a VF driver_override, once',
    faults: [{ path: `bus/pci/devices/${VF1}/driver_override`, errno: 'ENODEV', times: 1 }],
    ends: 'converged',
    journal: /ENODEV/,
  },
  {
    name: 'EIO on drivers_probe, once',
    faults: [{ path: 'bus/pci/drivers_probe', errno: 'EIO', times: 1 }],
    ends: 'converged',
    journal: /EIO/,
  },
  {
    name: 'EACCES on a VF driver_override',
    faults: [{ path: `bus/pci/devices/${VF1}/driver_override`, errno: 'EACCES' }],
    ends: 'refused',
    journal: /EACCES.*must run as root/,
  },
  {
    name: 'ENOMEM on sriov_numvfs (SR-IOV off in the BIOS)',
    faults: [{ path: numvfs, errno: 'ENOMEM' }],
    ends: 'refused',
    journal: /ENOMEM.*SR-IOV is off in the BIOS/,
  },
  {
    name: 'ENOSPC on sriov_numvfs (MSI-X exhausted)',
    faults: [{ path: numvfs, errno: 'ENOSPC' }],
    ends: 'refused',
    journal: /ENOSPC.*MSI-X/,
  },
  {
    name: 'EIO on sriov_drivers_autoprobe',
    faults: [{ path: `bus/pci/devices/${PF1}/sriov_drivers_autoprobe`, errno: 'EIO' }],
    ends: 'refused',
    journal: /EIO/,
  },
  {
    name: 'EIO reading sriov_numvfs (PF unreadable)',
    faults: [{ path: numvfs, errno: 'EIO', op: 'read' }],
    ends: 'refused',
    journal: /Could not read 0000:03:00\.0.*EIO/,
  },
  {
    name: 'EBUSY on every vfio-pci probe of one VF, three times',
    faults: [{ path: 'bus/pci/drivers_probe', errno: 'EBUSY', times: 3 }],
    ends: 'converged',
    journal: /EBUSY/,
  },
];

let rig: FaultRig;
beforeEach(async () => {
  rig = new FaultRig();
  await rig.setUp();
  await rig.warmUp();
});
afterEach(() => rig.tearDown());

/** The VF a VM holds is still there, on vfio-pci, its relay attached; nothing was written to PF 0. */
function expectInUseUntouched(): void {
  expect(rig.inUseNow()).toEqual({ driver: 'vfio-pci', relayed: true, pf0Writes: [] });
}

describe('sysfs faults on the simulated kernel', () => {
  it.each(SCENARIOS)('$name', async (s) => {
    for (const f of s.faults) rig.arm({ ...f });
    const reports = await rig.runUntilConverged(4);
    expect(rig.errors().join('\n')).toMatch(s.journal);
    if (s.ends === 'converged') {
      expect(reports.at(-1)?.converged).toBe(true);
      expect(rig.converged()).toBe(true);
    } else {
      expect(reports.every((r) => !r.converged && r.exitStatus === 1)).toBe(true);
      // Refused, not worse: PF 1 has no half-made VFs on the wrong driver.
      expect(rig.vfsOf(1).every((v) => v.driver === 'vfio-pci' || v.driver === null)).toBe(true);
      rig.disarm();
      expect((await rig.runUntilConverged()).at(-1)?.converged).toBe(true);
      expect(rig.converged()).toBe(true);
    }
    expectInUseUntouched();
  });
});
