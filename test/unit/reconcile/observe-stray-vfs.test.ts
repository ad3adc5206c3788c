// A PF removed with its VFs enabled, by a driver that leaves SR-IOV on
// (nvme): the kernel keeps the VFs, and when the PF comes back they sit
// where its new VFs would go. observe() must see them, over the real adapter
// on a sysfs-shaped tree, so that plan() refuses instead of writing a count
// the kernel cannot create (and crashes on when asked twice).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { observe } from '../../../src/reconcile/observe.js';
import { plan } from '../../../src/plan/plan.js';
import { createRealSysfs } from '../../../src/host/real/sysfs.js';
import { createSimHost } from '../../../src/host/sim/sim-host.js';
import { createSimState } from '../../../src/host/sim/state.js';
import type { Host } from '../../../src/host/types.js';
import { defaultConfig } from '../../../src/model/config.js';
import { writeSysfsTree } from '../../helpers/sysfs-tree.js';

const state = createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' });
const root = mkdtempSync(join(tmpdir(), 'vfkeeper-stray-'));
writeSysfsTree(state, root);
// Two VFs of the PF's previous life: devices of their own, no virtfn link from the new PF.
for (const pci of ['0000:02:08.0', '0000:02:08.1']) mkdirSync(join(root, 'bus/pci/devices', pci));
const host: Host = { ...createSimHost(state), sysfs: createRealSysfs({ root, explicit: true, env: {} }) };
afterAll(() => rmSync(root, { recursive: true, force: true }));
const config = { ...defaultConfig(), forwarder: { ...defaultConfig().forwarder, enabled: false } };

describe('VFs left behind by a PF removal', () => {
  it('are observed where the PF would put its VFs', async () => {
    const { observed } = await observe(host, config, null);
    expect(observed.pfs.map((p) => [p.pci, p.numVfs, p.strayVfs])).toEqual([['0000:02:00.0', 0, ['0000:02:08.0', '0000:02:08.1']]]);
  });

  it('block the VF count with the reason and the fix, and nothing is planned for the PF', async () => {
    const { observed } = await observe(host, config, null);
    const p = plan(config, observed, { force: true });
    expect(p.steps.filter((s) => 'pf' in s && s.pf === '0000:02:00.0')).toEqual([]);
    expect(p.refusals).toEqual([
      expect.objectContaining({
        kind: 'blocked',
        code: 'ERR_STRAY_VFS',
        why: '0000:02:00.0 cannot create 8 VFs: 0000:02:08.0, 0000:02:08.1 already exist without being its VFs (left behind when it was removed with VFs enabled)',
        hint: expect.stringContaining('echo 1 > /sys/bus/pci/rescan'),
      }),
    ]);
  });
});
