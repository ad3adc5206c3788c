// The daemon scenario: vfkeeper installed with its own `make install`,
// configured for the emulated NVMe PF and the emulated forwarder, then
// issue 8's scenarios on the guest's real kernel, in one boot, in an order
// where each leaves what the next expects:
//   1 start, 3 forwarder restart, 4 VF rebound by hand, 2 PF hotplug,
//   5 workload guard (ends with vfs: 2), 8 hooks, 7 hardening, 6 coldplug,
//   2b the PF removed alone (leaves VFs behind until reboot: last).
// A failed scenario does not stop the later ones (their own waits have
// deadlines), unless the time left is too short; result.json is rewritten
// after each, so a killed run still leaves what was done.
import { createZmqForwarder } from '../../../../src/dataplane/zmq-forwarder.js';
import { waitForDaemonQuiet, type DaemonContext } from '../daemon/context.js';
import { runStart } from '../daemon/s1-start.js';
import { runHotplug } from '../daemon/s2-hotplug.js';
import { runStrayVfs } from '../daemon/s2b-stray-vfs.js';
import { runForwarderRestart } from '../daemon/s3-forwarder-restart.js';
import { runRebind } from '../daemon/s4-rebind.js';
import { runGuard } from '../daemon/s5-guard.js';
import { runColdplug } from '../daemon/s6-coldplug.js';
import { runHardening } from '../daemon/s7-hardening.js';
import { runHooks } from '../daemon/s8-hooks.js';
import { recorderFor, type Recorder } from '../lib/recorder.js';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.js';
import { assertInE2eGuest } from '../lib/sysfs.js';
import { startUdevMonitor } from '../lib/udev-monitor.js';
import { FORWARDER_ENDPOINTS, installUdevRules, installVfkeeper, startForwarder, writeConfig } from '../lib/vfkeeper-install.js';
import { readElapsedMs } from '../lib/wait.js';

/** Time a scenario may still start with: the longest one's waits, roughly. */
const LAST_START_MARGIN_MS = 150_000;

const SCENARIOS: ReadonlyArray<readonly [string, (ctx: DaemonContext) => Promise<void>]> = [
  ['s1', runStart],
  ['s3', runForwarderRestart],
  ['s4', runRebind],
  ['s2', runHotplug],
  ['s5', runGuard],
  ['s8', runHooks],
  ['s7', runHardening],
  ['s6', runColdplug],
  ['s2b', runStrayVfs],
];

async function setUp(env: ScenarioEnv, rec: Recorder): Promise<void> {
  await rec.step('running in the end-to-end guest', assertInE2eGuest);
  await rec.step('make install PREFIX=/usr from the staged build (no npm in the guest)', async () => {
    const start = performance.now();
    rec.fact('install', await installVfkeeper(env.projectDir));
    rec.timing('make install in the guest', readElapsedMs(start));
  });
  await rec.step('configuration for the NVMe PF, vfs: max, relays: auto', () => writeConfig('max'));
  await rec.step('vfkeeper udev-rules > /etc/udev/rules.d/70-vfkeeper.rules', async () => rec.fact('udevRules', await installUdevRules()));
  await rec.step('the emulated forwarder running as virtio-forwarder.service', () => startForwarder(180_000));
}

/** `run-vm.sh --param only=s1,s5 daemon` runs those alone (by hand; the suite runs all). */
function selectScenarios(only: string | undefined): typeof SCENARIOS {
  if (only === undefined || only === '') return SCENARIOS;
  const names = only.split(',');
  return SCENARIOS.filter(([name]) => names.includes(name));
}

async function runScenarios(ctx: DaemonContext, deadlineMs: number): Promise<boolean> {
  let passed = true;
  for (const [name, run] of selectScenarios(process.env.VFKEEPER_E2E_ONLY)) {
    if (performance.now() > deadlineMs - LAST_START_MARGIN_MS) {
      ctx.rec.fact(`${name}Skipped`, 'too little time left before the deadline');
      passed = false;
      continue;
    }
    // A failure is recorded by its step; the next scenario still runs.
    const start = () =>
      ctx.rec.step(`${name}: the daemon quiet first (no run of the last scenario under way)`, () => waitForDaemonQuiet(60_000));
    passed =
      (await start()
        .then(() => run(ctx))
        .then(
          () => true,
          () => false,
        )) && passed;
    await ctx.rec.writeResult(false);
  }
  return passed;
}

async function main(): Promise<number> {
  const env = parseScenarioEnv(process.env);
  const deadlineMs = Number(process.env.VFKEEPER_E2E_DEADLINE ?? '600') * 1000;
  const rec = recorderFor(env);
  const forwarder = createZmqForwarder(FORWARDER_ENDPOINTS, { retries: 0 });
  let passed = false;
  try {
    await setUp(env, rec);
    const udev = await startUdevMonitor(['pci'], 60_000);
    try {
      passed = await runScenarios({ env, rec, udev, forwarder, count: env.vfs }, deadlineMs);
    } finally {
      udev.stop();
    }
  } catch {
    // Recorded by the failing step.
  } finally {
    await forwarder.close();
  }
  return (await rec.writeResult(passed)).passed ? 0 : 1;
}

process.exitCode = await main();
