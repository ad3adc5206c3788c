import { describe, expect, it } from 'vitest';
import { applyBindDriver } from '../../../src/actions/bind-driver.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { PciAddress } from '../../../src/model/pci.js';

const VF = '0000:02:08.0' as PciAddress;
const step = {
  kind: 'bind-driver' as const,
  pf: '0000:02:00.0' as PciAddress,
  vf: VF,
  index: 0,
  from: 'nfp_netvf',
  to: 'vfio-pci',
  why: 'test',
};

async function hostWith(iommu: boolean) {
  const state = createSimState({ pfs: 1, totalVfs: 4, numVfs: 0, firmware: 'sriov-2.1.14' });
  state.iommu = iommu;
  state.loadedDrivers.push('vfio-pci');
  const host = createSimHost(state);
  await host.sysfs.write('bus/pci/devices/0000:02:00.0/sriov_numvfs', '1\n');
  return host;
}

describe('applyBindDriver', () => {
  it('moves a VF from nfp_netvf to vfio-pci through driver_override, unbind and drivers_probe', async () => {
    const host = await hostWith(true);
    expect(await applyBindDriver(step, { host, forwarder: null })).toEqual({ result: 'ok', detail: 'nfp_netvf' });
    expect(host.kernel.state.writes.slice(-3).map((w) => w.path)).toEqual([
      `bus/pci/devices/${VF}/driver_override`,
      'bus/pci/drivers/nfp_netvf/unbind',
      'bus/pci/drivers_probe',
    ]);
    expect(await applyBindDriver(step, { host, forwarder: null })).toEqual({ result: 'skipped', reason: 'already on vfio-pci' });
  });

  it('with the IOMMU off, puts the VF back on its driver and says why', async () => {
    const host = await hostWith(false);
    await expect(applyBindDriver(step, { host, forwarder: null })).rejects.toMatchObject({
      code: 'ERR_NO_IOMMU_GROUP',
      message: expect.stringContaining('returned to nfp_netvf'),
      hint: expect.stringContaining('intel_iommu=on iommu=pt'),
    });
    expect(host.kernel.findVf(VF)?.vf).toMatchObject({ driver: 'nfp_netvf', driverOverride: null });
  });
});
