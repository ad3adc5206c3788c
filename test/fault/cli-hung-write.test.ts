// A hung sysfs write must not hold up a one-off command for ever: the real
// CLI, as a child process, against a host one of whose writes never
// returns, must report the write's deadline (naming the PF and the path),
// exit non-zero, and exit by itself, not be left hanging on the blocked
// write. The child is killed if it has not exited within a generous bound;
// the assertion is that it did not need to be.
import { spawn } from 'node:child_process';
import { closeSync, rmSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimHost } from '../../src/host/sim/sim-host.js';
import { createSimState } from '../../src/host/sim/state.js';
import { CLI, vfkeeper } from '../helpers/cli.js';
import { collectOutput, type ChildOutput } from '../helpers/collect-output.js';
import { writeSysfsTree } from '../helpers/sysfs-tree.js';
import { fullFifo } from '../helpers/full-fifo.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

const DEADLINE_MS = 300;
/** Far above the write deadline: reaching it means the command hung. */
const HANG_BOUND_MS = 30_000;

let t: TempDir;
const fifoFds: number[] = [];
afterEach(() => {
  // Closing the only reader ends a write still blocked (EPIPE).
  for (const fd of fifoFds.splice(0)) closeSync(fd);
  t.remove();
});

/** The CLI run to its end, or killed at HANG_BOUND_MS (`hung`). */
async function runBounded(args: string[]): Promise<ChildOutput & { hung: boolean }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, VFKEEPER_LOG: 'stderr' } });
  let hung = false;
  const timer = setTimeout(() => {
    hung = true;
    child.kill('SIGKILL');
  }, HANG_BOUND_MS);
  const out = await collectOutput(child);
  clearTimeout(timer);
  return { ...out, hung };
}

function writeConfig(extra = ''): string {
  const file = t.path('c.yaml');
  writeFileSync(
    file,
    `${extra}forwarder: { enabled: false }\nfirmware: { dir: ${t.path('fw')}, guard: off }\ndaemon: { write_timeout_ms: ${DEADLINE_MS} }\n`,
  );
  return file;
}

describe('vfkeeper reconcile with a sysfs write that never returns', () => {
  it('--simulate, the PF sriov_numvfs write hung: exits 1 by itself after the deadline, naming the PF and the path', async () => {
    t = tempDir('vfkcli-');
    const state = JSON.parse(vfkeeper(['sim', 'init', '--vfs', '4']).stdout) as { faults?: unknown[] };
    state.faults = [{ path: 'bus/pci/devices/0000:02:00.0/sriov_numvfs', errno: 'HANG' }];
    writeFileSync(t.path('h.json'), JSON.stringify(state));

    const r = await runBounded(['--simulate', t.path('h.json'), '--config', writeConfig(), 'reconcile']);

    expect(r.hung).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `FAIL   Failed to set sriov_numvfs of 0000:02:00.0 to 4: Writing "4" to bus/pci/devices/0000:02:00.0/sriov_numvfs has not returned after ${DEADLINE_MS} ms`,
    );
    expect(r.stdout).toMatch(/not converged\.\n$/);
  });

  it('--sysfs-root, a write(2) blocked in the kernel (a FIFO): exits 1 by itself after the deadline, naming the VF and the path', async () => {
    t = tempDir('vfkcli-');
    const state = createSimState({ pfs: 1, totalVfs: 2, numVfs: 0, firmware: 'sriov-2.1.14' });
    const pf = state.pfs[0];
    if (!pf) throw new Error('no PF');
    pf.autoprobe = false;
    await createSimHost(state).kernel.setNumVfs(pf, '2', 'sriov_numvfs');
    // No netdev (no ip or ethtool on this host's interfaces), VFs unbound, vfio-pci loaded (no modprobe).
    pf.netdev = null;
    for (const vf of pf.vfs) vf.driver = null;
    state.loadedDrivers.push('vfio-pci');
    writeSysfsTree(state, t.path('sys'));
    // Binding a VF ends with a write to drivers_probe: it blocks for ever.
    rmSync(t.path('sys/bus/pci/drivers_probe'));
    fullFifo(t.path('sys/bus/pci/drivers_probe'), fifoFds);
    const config = writeConfig('pfs:\n  - match: { pci: "0000:02:00.0" }\n    firmware: any\n    vf_macs: keep\n');

    const r = await runBounded(['--sysfs-root', t.path('sys'), '--config', config, 'reconcile']);

    expect(r.hung).toBe(false);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `Failed to bind 0000:02:\\S+ to vfio-pci: Writing "\\S+" to bus/pci/drivers_probe has not returned after ${DEADLINE_MS} ms`,
      ),
    );
  });
});
