// The floor bench (design.md, "Performance"): on the guest's real kernel,
// figures only, nothing asserted but that each run reached its end state.
// On the boot's one PF (run-vm.sh --pf nvme or igb: bench/bench-pfs.ts):
//  1. shell floor: vfkeeper stopped, its udev rules removed (driverctl's
//     too); SR-IOV off on the PF and its port removed (a fresh card's state:
//     bench/hotplug.ts), then rescanned; a minimal `sh` script binds every VF
//     to vfio-pci and settles udev (bench/shell-floor.ts).
//  2. the peers (bench/peers.ts), the same way: driverctl per VF (its rules
//     in place for its runs only), then dpdk-devbind.py in one call.
//  3. vfkeeper: the installed daemon running (relays off: the floor does
//     none; paused while SR-IOV goes off), its rules in place; the same
//     removal and rescan, to every VF on vfio-pci and udev settled
//     (bench/daemon-floor.ts).
//  4. the shell floor again with vfkeeper's rules in place and vfkeeper
//     masked: what the rules alone cost on that path.
//  5. the rules' udev cost: trigger + settle on the PF and its VFs with and
//     without them (bench/rules-settle.ts), vfkeeper stopped and masked;
//     then driverctl's, on the add events its rules match.
// `--param profile=1`: step 3 under node's CPU profiler (bench/daemon-profile.ts).
// Each of 1-4: one warm-up run kept apart, then `--param reps=N` (default
// 5); `--param settle_reps=N` samples per block of 4 (3 blocks each way,
// default 5).
import { UNIT, waitForDaemonQuiet } from '../daemon/context.js';
import { readUpstreamPort } from '../daemon/s2-hotplug.js';
import { readBenchPfs, writeBenchConfig, type PfKind } from '../bench/bench-pfs.js';
import { applyProfileDropIn, collectProfile, wantsProfile } from '../bench/daemon-profile.js';
import { PEERS, driverctlSettleTarget, type Peer } from '../bench/peers.js';
import { floorScript } from '../bench/shell-floor.js';
import { measureRulesSettle, readRulesFiles, type RulesFiles } from '../bench/rules-settle.js';
import { readCount, runDaemonSeries, runFloorSeries, type BenchContext } from '../bench/series.js';
import { runChecked } from '../lib/exec.js';
import { recorderFor, type Recorder } from '../lib/recorder.js';
import { parseScenarioEnv, type ScenarioEnv } from '../lib/scenario-env.js';
import { expectEqual, waitForBound } from '../lib/pci-expect.js';
import { assertInE2eGuest, readAttribute, readVirtfns } from '../lib/sysfs.js';
import { runSystemctl } from '../lib/systemctl.js';
import { installUdevRules, installVfkeeper } from '../lib/vfkeeper-install.js';

async function setUp(env: ScenarioEnv, rec: Recorder): Promise<BenchContext & { kind: PfKind }> {
  const [pf] = readBenchPfs(process.env.VFKEEPER_E2E_PF);
  if (pf === undefined) throw new Error('no PF');
  rec.fact('pf', pf);
  await rec.step('running in the end-to-end guest', assertInE2eGuest);
  await rec.step('make install PREFIX=/usr from the staged build', async () => void (await installVfkeeper(env.projectDir)));
  await rec.step(`configuration for the ${pf.kind} PF ${pf.pci}, vfs: max, forwarder.enabled: false`, () => writeBenchConfig([pf]));
  await rec.step('vfkeeper udev-rules > /etc/udev/rules.d/70-vfkeeper.rules', async () => rec.fact('udevRules', await installUdevRules()));
  // Loaded once for all: vfkeeper would load it on its first run, the floor script does not.
  await rec.step('modprobe vfio-pci', async () => void (await runChecked(['modprobe', 'vfio-pci'], { timeoutMs: 60_000 })));
  // `--param remove=pf`: the PF itself is removed instead of its port (SR-IOV
  // is off by then, so no VF is left behind). QEMU 10 (igb) aborted in
  // iotlb_to_section once and stalled once on the port's re-enumeration.
  const port =
    process.env.VFKEEPER_E2E_REMOVE === 'pf' ? pf.pci : await rec.step(`the PCI port above ${pf.pci}`, () => readUpstreamPort(pf.pci));
  rec.fact('removed', port);
  const vfs = Number(await readAttribute(pf.pci, 'sriov_totalvfs'));
  rec.fact('vfs', vfs);
  return { rec, pf: pf.pci, port, vfs, kind: pf.kind };
}

/** Each peer's series, its rules (read before the floor took them away) in place for its runs only. */
async function runPeers(ctx: BenchContext, kind: PfKind, reps: number, peerRules: ReadonlyMap<string, RulesFiles>): Promise<void> {
  const run = async (peer: Peer) => {
    const arg = await ctx.rec.step(`${peer.name}: ready`, () => peer.prepare(kind));
    const rules = peerRules.get(peer.name);
    if (rules === undefined) throw new Error(`no rules read for ${peer.name}`);
    await rules.applyRulesBack();
    try {
      return await runFloorSeries(ctx, peer.label, reps, peer.script(kind), arg);
    } finally {
      await rules.applyRulesAway();
    }
  };
  const peers: Record<string, unknown> = {};
  for (const peer of PEERS) {
    peers[peer.name] = await run(peer);
    ctx.rec.fact('peers', peers);
    await ctx.rec.writeResult(false);
  }
}

async function runBench(env: ScenarioEnv, rec: Recorder): Promise<void> {
  const { kind, ...ctx } = await setUp(env, rec);
  const reps = readCount('VFKEEPER_E2E_REPS', 5);
  const rules = await readRulesFiles();
  const peerRules = new Map(await Promise.all(PEERS.map(async (p) => [p.name, await readRulesFiles(p.rules)] as const)));
  await rec.step("vfkeeper's and the peers' rules removed for the shell floor", async () => {
    await rules.applyRulesAway();
    for (const r of peerRules.values()) await r.applyRulesAway();
  });
  rec.fact('floor', await runFloorSeries(ctx, 'shell floor', reps, floorScript(kind)));
  await rec.writeResult(false);
  await runPeers(ctx, kind, reps, peerRules);
  const profile = wantsProfile();
  if (profile) await rec.step("the daemon's series under node's CPU profiler (a runtime drop-in)", applyProfileDropIn);
  await rec.step('rules back, systemctl start vfkeeper, the daemon quiet', async () => {
    await rules.applyRulesBack();
    await runSystemctl(['start', UNIT], 240_000);
    const vfs = await readVirtfns(ctx.pf);
    expectEqual(`VFs of ${ctx.pf} at READY=1`, vfs.length, ctx.vfs);
    await waitForBound(vfs, 'vfio-pci', 60_000);
    await waitForDaemonQuiet(60_000);
  });
  rec.fact('daemon', await runDaemonSeries(ctx, reps));
  await rec.writeResult(false);
  await rec.step('systemctl stop vfkeeper; mask --runtime (the rule would start it)', async () => {
    await runSystemctl(['stop', UNIT]);
    await runSystemctl(['mask', '--runtime', UNIT]);
  });
  if (profile) rec.fact('daemonProfile', await rec.step('the CPU profile into the results', () => collectProfile(env.resultsDir)));
  rec.fact('floorWithRules', await runFloorSeries(ctx, 'shell floor, rules in place', reps, floorScript(kind)));
  await rec.writeResult(false);
  const settleReps = readCount('VFKEEPER_E2E_SETTLE_REPS', 5);
  rec.fact(
    'rulesSettle',
    await rec.step(`udev trigger + settle, 3 x ${settleReps} each without and with vfkeeper's rules`, () =>
      measureRulesSettle(ctx.pf, 3, settleReps),
    ),
  );
  await rec.writeResult(false);
  await rec.step("vfkeeper's rules away, driverctl's back", async () => {
    await rules.applyRulesAway();
    await peerRules.get('driverctl')?.applyRulesBack();
  });
  rec.fact(
    'driverctlSettle',
    await rec.step(`udev trigger (add) + settle, 3 x ${settleReps} each without and with driverctl's rules`, () =>
      measureRulesSettle(ctx.pf, 3, settleReps, driverctlSettleTarget(ctx.pf)),
    ),
  );
  await rec.step('systemctl unmask --runtime vfkeeper', async () => void (await runSystemctl(['unmask', '--runtime', UNIT])));
}

async function main(): Promise<number> {
  const env = parseScenarioEnv(process.env);
  const rec = recorderFor(env);
  let passed = false;
  try {
    await runBench(env, rec);
    passed = true;
  } catch {
    // Recorded by the failing step.
  }
  return (await rec.writeResult(passed)).passed ? 0 : 1;
}

process.exitCode = await main();
