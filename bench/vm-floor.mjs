// design.md's two real-kernel targets, as figures asserted nowhere:
//   vfkeeper within 1.2x of the shell floor from PF appearance to all VFs
//   bound and udev settled; its rules add at most 10% to udev settle time.
// Beside them, measured the same way: the peers (driverctl per VF,
// dpdk-devbind.py in one call, and driverctl's rules' udev cost), on both
// emulated PFs; and the two-PF boot (both PFs at once against each alone).
//
//   node bench/vm-floor.mjs [--pf nvme|igb|both|all] [--vfs N] [--reps N] [--settle-reps N] [--smp N] [--profile] [--no-boot | --quick]
//
// `--profile` runs the daemon's series under node's CPU profiler and prints
// where its runs' time went, phase by phase (bench/lib/vm-profile.mjs); the
// profiler's own cost is in those runs, so their figures are not the ratio's.
// Runs `make stage` (a no-op when the staged build is fresh: the guest has
// no npm), then boots the end-to-end guest once per part, in turn (run as
// root, QEMU under TCG, minutes each): the NVMe PF (QEMU 7.2, --vfs VFs) and
// the igb PF (QEMU 10, 7 VFs) for test/e2e/guest/scenarios/bench-floor.ts,
// and both PFs in one QEMU 10 guest for bench-two-pf.ts; `--pf` picks one
// (default all). Then it prints the figures from each part's result.json
// under .e2e/results/. `--no-boot` only prints the last results. `--quick`
// (make bench-quick, in make check) boots nothing: a boot takes minutes
// under TCG. It checks the harness instead: run-vm.sh parses (bash -n), the
// guest's scenarios and bench parts compile (tsc --noEmit on the guest's
// tsconfig), and the last results, where there are any, still print. Never
// run it beside another VM of the e2e suite: the figures are wall-clock on a
// shared CPU (`make bench-vm` holds /tmp/vfkeeper-vm.lock).
import { spawn } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';
import { printFloorFacts } from './lib/vm-print-floor.mjs';
import { printTwoPf } from './lib/vm-print-two-pf.mjs';
import { printProfile, summarizeProfile } from './lib/vm-profile.mjs';
import { printHeader } from './lib/setup.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const results = (dir) => fileURLToPath(new URL(`../.e2e/results/${dir}/`, import.meta.url));

/** Each part: its boot (run-vm.sh's --pf and scenario) and where its results land. */
const PARTS = {
  nvme: { pf: 'nvme', scenario: 'bench-floor', dir: 'bench-floor', driver: 'nvme' },
  // The PF itself removed, not its port: QEMU 10 aborted (iotlb_to_section)
  // and once stalled on the port's re-enumeration under TCG.
  igb: { pf: 'igb', scenario: 'bench-floor', dir: 'bench-floor-igb', driver: 'igb', params: ['remove=pf'] },
  both: { pf: 'both', scenario: 'bench-two-pf', dir: 'bench-two-pf' },
};

const USAGE =
  'usage: node bench/vm-floor.mjs [--pf nvme|igb|both|all] [--vfs N] [--reps N] [--settle-reps N] [--smp N] [--profile] [--no-boot | --quick]';

function parseArgs(argv) {
  const opts = { parts: Object.keys(PARTS), vfs: 8, reps: 7, settleReps: 10, smp: 2, boot: true, dry: false, profile: false };
  const counts = { '--vfs': 'vfs', '--reps': 'reps', '--settle-reps': 'settleReps', '--smp': 'smp' };
  for (let i = 0; i < argv.length; i++) {
    const [name, next] = [argv[i], argv[i + 1]];
    if (name === '--no-boot') opts.boot = false;
    else if (name === '--profile') opts.profile = true;
    else if (name === '--quick') [opts.boot, opts.dry] = [false, true];
    else if (name === '--pf' && (next === 'all' || Object.hasOwn(PARTS, next))) {
      opts.parts = next === 'all' ? Object.keys(PARTS) : [next];
      i++;
    } else if (Object.hasOwn(counts, name) && Number.isInteger(Number(next)) && Number(next) >= 1) {
      opts[counts[name]] = Number(next);
      i++;
    } else throw new Error(`${USAGE} (bad: ${name})`);
  }
  return opts;
}

/** Runs a program with an argument vector, its output on ours; rejects on a non-zero exit. */
function run(argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (status) => (status === 0 ? resolve() : reject(new Error(`${argv.join(' ')} exited with ${status}`))));
  });
}

/** One boot; a failed scenario is reported (its result prints what failed) and the next part still boots. */
async function boot(part, opts) {
  const vfs = part.pf === 'igb' ? 7 : opts.vfs;
  const runs = part.pf === 'both' ? 3 * (opts.reps + 1) : 4 * (opts.reps + 1) + 12 * opts.settleReps;
  const deadline = 900 + vfs * 10 * runs;
  const argv = ['test/e2e/testbed/run-vm.sh', '--pf', part.pf, '--vfs', String(vfs), '--smp', String(opts.smp)];
  argv.push('--deadline', String(deadline), '--results', `.e2e/results/${part.dir}`, '--param', `reps=${opts.reps}`);
  argv.push('--param', `settle_reps=${opts.settleReps}`);
  for (const p of part.params ?? []) argv.push('--param', p);
  if (opts.profile && part.driver) argv.push('--param', 'profile=1');
  argv.push(part.scenario);
  await run(argv).catch((e) => console.log(`   ${part.pf}: ${e.message}`));
}

/** The harness without a boot: what a change could break before anyone boots the guest. */
async function dryCheck() {
  await run(['bash', '-n', 'test/e2e/testbed/run-vm.sh']);
  for (const scenario of new Set(Object.values(PARTS).map((p) => p.scenario)))
    await access(fileURLToPath(new URL(`../test/e2e/guest/scenarios/${scenario}.ts`, import.meta.url)));
  await run(['npx', 'tsc', '--noEmit', '-p', 'test/e2e/guest/tsconfig.json']);
  console.log('   dry run (--quick): run-vm.sh parses, the bench scenarios compile; nothing booted');
}

async function readJson(path, fallback) {
  return JSON.parse(
    await readFile(path, 'utf8').catch((e) => (fallback !== undefined && e.code === 'ENOENT' ? fallback : Promise.reject(e))),
  );
}

async function printPart(name, part) {
  const result = await readJson(`${results(part.dir)}result.json`, 'null');
  if (result === null) return console.log(`   ${name}: no earlier result to print (.e2e/results/${part.dir})`);
  const vm = await readJson(`${results(part.dir)}vm.json`, '{}');
  const pfs =
    result.facts.twoPf?.pfs.map((p) => `${p.kind} (${p.vfs} VFs)`).join(' + ') ?? `${name} PF, ${result.facts.vfs ?? result.vfs} VFs`;
  printHeader(`${name}: ${pfs}, kernel ${result.kernel}, ${vm.accel ?? '?'}, ${vm.wallMs ? Math.round(vm.wallMs / 1000) : '?'} s in all`);
  if (!result.passed) {
    const failed = result.steps.filter((s) => !s.ok).map((s) => `${s.name}: ${s.error}`);
    const last = result.steps.at(-1)?.name ?? 'none';
    console.log(
      `   the scenario did not pass: ${failed.join('; ') || `no step failed; the last recorded was "${last}" (see console.log)`}`,
    );
  }
  if (part.driver) printFloorFacts(result.facts, part.driver);
  const [profile] = result.facts.daemonProfile ?? [];
  if (profile !== undefined) {
    const [cpu, journal] = await Promise.all([
      readJson(`${results(part.dir)}${profile}`),
      readFile(`${results(part.dir)}journal.txt`, 'utf8'),
    ]);
    printProfile(summarizeProfile(cpu, journal));
  } else if (result.facts.twoPf) printTwoPf(result.facts.twoPf);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.dry) await dryCheck();
  if (opts.boot) {
    await run(['make', '--no-print-directory', 'stage']);
    for (const name of opts.parts) await boot(PARTS[name], opts);
  }
  for (const name of opts.parts) await printPart(name, PARTS[name]);
}

await main();
