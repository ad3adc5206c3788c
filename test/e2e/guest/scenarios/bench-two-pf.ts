// The two-PF bench (run-vm.sh --pf both: QEMU 10, the NVMe PF at 01:00.0
// and the igb PF at 02:00.0): vfkeeper's daemon manages both, relays off;
// both PFs appearing at once against each alone, in the same guest
// (bench/two-pf.ts). Figures only, nothing asserted but that each run
// reached its end state. `--param reps=N` rounds (default 5) after one
// uncounted warm-up round.
import { UNIT, waitForDaemonQuiet } from '../daemon/context.js';
import { readUpstreamPort } from '../daemon/s2-hotplug.js';
import { readBenchPfs, writeBenchConfig } from '../bench/bench-pfs.js';
import { readCount } from '../bench/series.js';
import { runTwoPfBench, type PfUnderTest } from '../bench/two-pf.js';
import { runChecked } from '../lib/exec.js';
import { recorderFor, type Recorder } from '../lib/recorder.js';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.js';
import { expectEqual, waitForBound } from '../lib/pci-expect.js';
import { assertInE2eGuest, readAttribute, readVirtfns } from '../lib/sysfs.js';
import { runSystemctl } from '../lib/systemctl.js';
import { installUdevRules, installVfkeeper } from '../lib/vfkeeper-install.js';

async function setUp(env: ScenarioEnv, rec: Recorder): Promise<PfUnderTest[]> {
  const pfs = readBenchPfs(process.env.VFKEEPER_E2E_PF);
  await rec.step('running in the end-to-end guest', assertInE2eGuest);
  await rec.step('make install PREFIX=/usr from the staged build', async () => void (await installVfkeeper(env.projectDir)));
  await rec.step(`configuration for ${pfs.map((p) => `${p.kind} ${p.pci}`).join(' and ')}, vfs: max, relays off`, () =>
    writeBenchConfig(pfs),
  );
  await rec.step('vfkeeper udev-rules > /etc/udev/rules.d/70-vfkeeper.rules', async () => rec.fact('udevRules', await installUdevRules()));
  await rec.step('modprobe vfio-pci', async () => void (await runChecked(['modprobe', 'vfio-pci'], { timeoutMs: 60_000 })));
  const under: PfUnderTest[] = [];
  for (const pf of pfs) {
    const port = await rec.step(`the PCI port above ${pf.pci}`, () => readUpstreamPort(pf.pci));
    under.push({ kind: pf.kind, pci: pf.pci, port, vfs: Number(await readAttribute(pf.pci, 'sriov_totalvfs')) });
  }
  await rec.step('systemctl start vfkeeper: every VF of both PFs on vfio-pci, the daemon quiet', async () => {
    await runSystemctl(['start', UNIT], 240_000);
    for (const pf of under) {
      const vfs = await readVirtfns(pf.pci);
      expectEqual(`VFs of ${pf.pci} at READY=1`, vfs.length, pf.vfs);
      await waitForBound(vfs, 'vfio-pci', 60_000);
    }
    await waitForDaemonQuiet(60_000);
  });
  return under;
}

async function main(): Promise<number> {
  const env = parseScenarioEnv(process.env);
  const rec = recorderFor(env);
  let passed = false;
  try {
    const pfs = await setUp(env, rec);
    await runTwoPfBench(rec, pfs, readCount('VFKEEPER_E2E_REPS', 5));
    passed = true;
  } catch {
    // Recorded by the failing step.
  }
  return (await rec.writeResult(passed)).passed ? 0 : 1;
}

process.exitCode = await main();
