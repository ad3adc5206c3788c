// The igb scenario: issue 14's mission on a real SR-IOV Ethernet PF (QEMU
// 10's igb, 7 VFs), in two boots of one disk. Boot 1 installs and
// configures vfkeeper, enables it, the emulated forwarder and
// NetworkManager, and asks run-vm.sh for a second boot. Boot 2 runs, in an
// order where each leaves what the next expects:
//   i1 boot, i2 driver reload, i3 remove + rescan (by PCI address, then by
//   name), i4 networkd-dispatcher, i5 NetworkManager, i6 the hooks without
//   the daemon, i7 the workload guard (ends with vfs: 4), i8 VF settings
//   (VLAN, spoofchk, trust, rate; link state refused) across a driver reload.
// `run-vm.sh --pf igb --param only=i3 igb` runs i1 and i3 alone. A failed
// scenario does not stop the later ones; result.json is rewritten after each.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createZmqForwarder } from '../../../../src/dataplane/zmq-forwarder.js';
import { waitForDaemonQuiet } from '../daemon/context.js';
import { runBoot } from '../igb/i1-boot.js';
import { runDriverReload } from '../igb/i2-driver-reload.js';
import { runRescan } from '../igb/i3-rescan.js';
import { runNetworkd } from '../igb/i4-networkd.js';
import { runNetworkManager } from '../igb/i5-networkmanager.js';
import { runHooksAlone } from '../igb/i6-hooks-alone.js';
import { runGuard } from '../igb/i7-guard.js';
import { runVfSettings } from '../igb/i8-vf-settings.js';
import type { IgbContext } from '../igb/context.js';
import { setUpFirstBoot } from '../igb/setup.js';
import { recorderFor, type Recorder } from '../lib/recorder.js';
import { RESULT_FILE, scenarioResultSchema, type ScenarioResult } from '../lib/scenario-result.js';
import { parseScenarioEnv } from '../lib/scenario-env.js';
import { assertInE2eGuest } from '../lib/sysfs.js';
import { FORWARDER_ENDPOINTS } from '../lib/vfkeeper-install.js';

/** run-vm.sh boots the same disk again when the guest leaves this file in the results. */
const REBOOT_FILE = 'reboot-requested';
const LAST_START_MARGIN_MS = 120_000;

const SCENARIOS: ReadonlyArray<readonly [string, (ctx: IgbContext) => Promise<void>]> = [
  ['i2', runDriverReload],
  ['i3', runRescan],
  ['i4', runNetworkd],
  ['i5', runNetworkManager],
  ['i6', runHooksAlone],
  ['i7', runGuard],
  ['i8', runVfSettings],
];

async function readPrevious(dir: string): Promise<ScenarioResult | undefined> {
  const text = await readFile(join(dir, RESULT_FILE), 'utf8').catch(() => undefined);
  return text === undefined ? undefined : scenarioResultSchema.parse(JSON.parse(text));
}

function selectScenarios(only: string | undefined): typeof SCENARIOS {
  if (only === undefined || only === '') return SCENARIOS;
  const names = only.split(',');
  return SCENARIOS.filter(([name]) => names.includes(name));
}

async function runSecondBoot(ctx: IgbContext, deadlineMs: number): Promise<boolean> {
  let passed = await runBoot(ctx).then(
    () => true,
    () => false,
  );
  await ctx.rec.writeResult(false);
  if (!passed) return false;
  for (const [name, run] of selectScenarios(process.env.VFKEEPER_E2E_ONLY)) {
    if (performance.now() > deadlineMs - LAST_START_MARGIN_MS) {
      ctx.rec.fact(`${name}Skipped`, 'too little time left before the deadline');
      passed = false;
      continue;
    }
    const quiet = () => ctx.rec.step(`${name}: the daemon quiet first`, () => waitForDaemonQuiet(60_000));
    passed =
      (await quiet()
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
  const boot = process.env.VFKEEPER_E2E_BOOT ?? '1';
  const deadlineMs = Number(process.env.VFKEEPER_E2E_DEADLINE ?? '900') * 1000;
  const previous = boot === '1' ? undefined : await readPrevious(env.resultsDir);
  const rec: Recorder = recorderFor(env, previous);
  let passed = false;
  try {
    await rec.step(`running in the end-to-end guest (boot ${boot})`, assertInE2eGuest);
    if (boot === '1') {
      await setUpFirstBoot(env, rec);
      await writeFile(join(env.resultsDir, REBOOT_FILE), 'igb: the second boot runs the scenarios\n');
      return (await rec.writeResult(true)).passed ? 0 : 1;
    }
    const forwarder = createZmqForwarder(FORWARDER_ENDPOINTS, { retries: 0 });
    try {
      passed = await runSecondBoot({ env, rec, forwarder, count: env.vfs, macs: [] }, deadlineMs);
    } finally {
      await forwarder.close();
    }
  } catch {
    // Recorded by the failing step.
  }
  return (await rec.writeResult(passed)).passed ? 0 : 1;
}

process.exitCode = await main();
