// Scenario 2, driver reload: `modprobe -r igb && modprobe igb`. Unloading
// igb disables SR-IOV (the VFs go, vfio-pci with them) and the PF's netdev
// goes; loading it again brings the PF back as a fresh probe would: 0 VFs,
// MTU 1500, link down. udev's bind wakes the daemon, which must put back
// the same chain with the same MACs.
import { runChecked } from '../lib/exec.js';
import type { IgbContext } from './context.js';
import { disruptAndRepair } from './repair.js';

export async function runDriverReload(ctx: IgbContext): Promise<void> {
  const repair = await disruptAndRepair(ctx, 'i2 modprobe -r igb && modprobe igb', async () => {
    await runChecked(['modprobe', '-r', 'igb'], { timeoutMs: 120_000 });
    await runChecked(['modprobe', 'igb'], { timeoutMs: 120_000 });
  });
  ctx.rec.fact('i2', repair);
}
