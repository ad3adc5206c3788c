// The rename race the igb PF showed on a real kernel: right after a rescan
// (or a driver reload, or boot) the PF's interface is eth0 until udev
// renames it. A run that looks in between must not act on eth0 nor derive
// VF MACs from anything but the permanent MAC: it waits, quietly, and the
// next run (woken by udev's rename) plans the very MACs of before.
import { describe, expect, it } from 'vitest';
import { observe } from '../../../src/reconcile/observe.js';
import { plan } from '../../../src/plan/plan.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import { defaultConfig, defaultPfRule, type Config } from '../../../src/model/config.js';
import type { PciAddress } from '../../../src/model/pci.js';
import type { Step } from '../../../src/model/step.js';

const PF = '0000:02:00.0' as PciAddress;
const macsOf = (steps: Step[]) => steps.flatMap((s) => (s.kind === 'set-vf-mac' ? [`${s.netdev} ${s.index} ${s.to}`] : []));
const netdevsOf = (steps: Step[]) => new Set(steps.flatMap((s) => ('netdev' in s ? [s.netdev] : [])));

function setUp(match: 'pci' | 'netdev') {
  const state = createSimState({ pfs: 1, totalVfs: 4, numVfs: 0, firmware: 'sriov-2.1.14' });
  const host = createSimHost(state);
  const config: Config = {
    ...defaultConfig(),
    pfs: [{ ...defaultPfRule(match === 'pci' ? { pci: PF } : { netdev: 'enp2s0np0' }), mtu: 9216 }],
    forwarder: { ...defaultConfig().forwarder, enabled: false },
  };
  return { host, config };
}

describe.each(['pci', 'netdev'] as const)('a PF matched by %s, back after remove + rescan', (match) => {
  it('waits while its interface is eth0, then plans the same MACs, on enp2s0np0 only', async () => {
    const { host, config } = setUp(match);
    const before = plan(config, (await observe(host, config, null)).observed, { force: false });
    await host.sysfs.write(`bus/pci/devices/${PF}/remove`, '1\n');
    await host.sysfs.write('bus/pci/rescan', '1\n');

    const first = await observe(host, config, null);
    const waiting = plan(config, first.observed, { force: false });
    expect(waiting.steps).toEqual([]);
    if (match === 'pci') {
      // Matched by address: seen, but as a PF udev is not done with.
      expect(first.observed.pfs.find((p) => p.pci === PF)).toMatchObject({
        netdev: 'eth0',
        netdevSettled: false,
        permMac: null,
        link: null,
      });
      expect(waiting.refusals).toEqual([expect.objectContaining({ kind: 'waiting', code: 'ERR_PF_NETDEV_SETTLING', pf: PF })]);
    } else {
      // Matched by name: eth0 is not that name yet.
      expect(first.observed.pfs).toEqual([]);
    }

    await new Promise((resolve) => setImmediate(resolve));
    const after = plan(config, (await observe(host, config, null)).observed, { force: false });
    expect(after.refusals).toEqual([]);
    expect(macsOf(after.steps)).toEqual(macsOf(before.steps));
    expect(macsOf(after.steps)).toHaveLength(4);
    expect(netdevsOf(after.steps)).toEqual(new Set(['enp2s0np0']));
  });
});
