// Which relays vfkeeper may tear down, as observe() sees their VFs over the
// real adapter on a sysfs-shaped tree: a live VF of a PF it does not manage
// (or a device that is no VF) is another's; a VF whose PF is gone (nvme
// leaves them behind) or a device that is gone is not, and its relay goes.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { observe } from '../../../src/reconcile/observe.js';
import { plan } from '../../../src/plan/plan.js';
import type { Forwarder } from '../../../src/dataplane/types.js';
import { createRealSysfs } from '../../../src/host/real/sysfs.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { Host } from '../../../src/host/types.js';
import { defaultConfig } from '../../../src/model/config.js';
import type { PciAddress } from '../../../src/model/pci.js';
import { relay } from '../../helpers/observed.js';
import { writeSysfsTree } from '../../helpers/sysfs-tree.js';

const state = createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' });
const root = mkdtempSync(join(tmpdir(), 'vfkeeper-others-'));
writeSysfsTree(state, root);
const devices = join(root, 'bus/pci/devices');
const device = (pci: string, physfn?: string): void => {
  mkdirSync(join(devices, pci));
  if (physfn !== undefined) symlinkSync(`../${physfn}`, join(devices, pci, 'physfn'));
};
device('0000:05:00.0'); // another vendor's PF, present
device('0000:05:00.1', '0000:05:00.0'); // its VF
device('0000:06:00.1', '0000:06:00.0'); // a VF whose PF was removed alone
device('0000:07:00.0'); // a device that is no VF
const host: Host = { ...createSimHost(state), sysfs: createRealSysfs({ root, explicit: true, env: {} }) };
afterAll(() => rmSync(root, { recursive: true, force: true }));

const relays = [
  relay(11, '0000:05:00.1' as PciAddress),
  relay(12, '0000:06:00.1' as PciAddress),
  relay(13, '0000:07:00.0' as PciAddress),
  relay(14, '0000:09:00.1' as PciAddress),
];
const forwarder: Forwarder = {
  readRelays: () => Promise.resolve(relays),
  attach: () => Promise.resolve(),
  detach: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
const config = { ...defaultConfig(), firmware: { ...defaultConfig().firmware, guard: 'off' as const } };

describe("relays on other PFs' devices", () => {
  it("are another's when their device is live: a VF of a present PF, or no VF at all", async () => {
    const { observed } = await observe(host, config, forwarder, { hostWide: false });
    expect(observed.othersVfs).toEqual(['0000:05:00.1', '0000:07:00.0']);
  });

  it('are detached when their VF is an orphan or gone, and left alone otherwise', async () => {
    const { observed } = await observe(host, config, forwarder, { hostWide: false });
    const detached = plan(config, observed, { force: false }).steps.flatMap((s) => (s.kind === 'detach-relay' ? [s.virtioId] : []));
    expect(detached.sort()).toEqual([12, 14]);
  });
});
