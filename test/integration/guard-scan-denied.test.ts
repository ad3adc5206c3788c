// The workload guard when it cannot see: vfkeeper run as a user who may not
// read other processes' /proc/PID/fd (as after a drop-in that takes away
// CAP_DAC_READ_SEARCH and CAP_SYS_PTRACE) must refuse to change a VF count,
// not read "cannot tell" as "nobody uses the VFs". The denial is the
// kernel's own: the CLI runs under setpriv as nobody, against a
// sysfs-shaped temporary tree whose PF has 2 VFs and a config that wants 4.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSimHost } from '../../src/host/sim/sim-host.js';
import { createSimState } from '../../src/host/sim/state.js';
import { CLI } from '../helpers/cli.js';
import { writeSysfsTree } from '../helpers/sysfs-tree.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

const PF = '0000:02:00.0';
let t: TempDir;

beforeAll(async () => {
  t = tempDir('vfk-guard-');
  const sim = createSimHost(createSimState({ pfs: 1, totalVfs: 8, numVfs: 0, firmware: 'sriov-2.1.14' }));
  await sim.sysfs.write(`bus/pci/devices/${PF}/sriov_numvfs`, '2\n');
  // No netdev (as the NVMe PF of the real-kernel suite): the run reads only sysfs and /proc.
  for (const pf of sim.kernel.state.pfs) pf.netdev = null;
  writeSysfsTree(sim.kernel.state, t.path('sys'));
  // The configuration in a directory only root may write (a world-writable one is refused).
  mkdirSync(t.path('etc'), { mode: 0o755 });
  writeFileSync(
    t.path('etc/c.yaml'),
    `pfs:\n  - match: { pci: "${PF}" }\n    vfs: 4\n    firmware: any\n    vf_macs: keep\nforwarder: { enabled: false }\nfirmware: { guard: off }\n`,
  );
  // nobody walks into the tree and may create the run lock beside it (sys.vfkeeper/).
  chmodSync(t.dir, 0o777);
});
afterAll(() => t.remove());

function asNobody(args: string[]) {
  const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', process.execPath, CLI, ...args], {
    env: { ...process.env, PATH: '/usr/sbin:/usr/bin:/sbin:/bin', VFKEEPER_LOG: 'stderr' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

describe('a workload scan the kernel denies', () => {
  it('is refused with its own code (exit 3), and sriov_numvfs is not written', () => {
    const r = asNobody([
      'reconcile',
      '--sysfs-root',
      t.path('sys'),
      '--config',
      t.path('etc/c.yaml'),
      '--control-socket',
      t.path('control.sock'),
      '--json',
    ]);
    expect(r.error).toBeUndefined();
    expect(r.stderr).not.toContain('internal error');
    // nobody must be able to reach the CLI: a checkout under a directory only root may enter fails here, saying so.
    expect(r.status, `as nobody: ${r.stderr}`).toBe(3);
    const report = JSON.parse(r.stdout) as { refusals: Array<{ code: string; why: string; pf: string }> };
    expect(report.refusals).toEqual([
      expect.objectContaining({ code: 'ERR_GUARD_WORKLOAD_UNKNOWN', pf: PF, why: expect.stringMatching(/EACCES|EPERM/) }),
    ]);
    expect(readFileSync(t.path(`sys/bus/pci/devices/${PF}/sriov_numvfs`), 'utf8')).toBe('2\n');
  });
});
