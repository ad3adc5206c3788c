// `vfkeeper demo` (what `make demo` runs): the real daemon on the simulated
// host and the emulated forwarder, every act repaired by the daemon itself.
import { describe, expect, it } from 'vitest';
import { vfkeeperAsync } from '../helpers/cli.js';

describe('vfkeeper demo', () => {
  it('plays the whole day and ends converged', async () => {
    const r = await vfkeeperAsync(['demo']);
    expect(r.status).toBe(0);
    const out = r.stdout;
    const after = (act: string) =>
      out
        .slice(out.indexOf(act))
        .split('\n')
        .find((l) => l.startsWith('  => ')) ?? '';
    expect(after('== 1. Boot')).toMatch(/56\/56 VFs, 56 on vfio-pci, 56 relays attached/);
    expect(out).toMatch(/ok\s+Re-pointed firmware link .*nic_AMDA0096-0001_2x10\.nffw to nic-sriov\//);
    expect(out).toMatch(/ok\s+Gave .*virtio-forwarder1\.sock to nobody:nogroup/);
    expect(after('== 2. A VM connects')).toMatch(/1 VM connected/);
    expect(after('...and comes back (rescan)')).toMatch(/56\/56 VFs, 56 on vfio-pci, 56 relays attached/);
    expect(after('== 4. virtio-forwarder restarts')).toMatch(/56 relays attached/);
    expect(after('== 6. The operator sets mtu')).toMatch(/mtu 9216/);
    expect(out).toMatch(/Invalid configuration, keeping the last good one: .*pfs\[0\]\.vfs/);
    expect(after('== 8. Maintenance')).toMatch(/0\/56 VFs.*PAUSED \(NIC firmware update\)/);
    expect(after('== 9. `vfkeeper resume`')).toMatch(/56\/56 VFs, 56 on vfio-pci, 56 relays attached/);
    expect(out).toMatch(/Converged: 56 VFs on vfio-pci/);
  });
});
