// design.md's two real-kernel targets, as figures asserted nowhere:
//   vfkeeper within 1.2x of the shell floor from PF appearance to all VFs
//   bound and udev settled; its rules add at most 10% to udev settle time.
//
//   node bench/vm-floor.mjs [--vfs N] [--reps N] [--settle-reps N] [--smp N] [--no-boot]
//
// Runs `make stage` (a no-op when the staged build is fresh: the guest has
// no npm), boots the end-to-end guest once for the bench-floor scenario
// (test/e2e/guest/scenarios/bench-floor.ts; run as root, QEMU under TCG, a
// few minutes), then prints the figures from .e2e/results/bench-floor/
// result.json. `--no-boot` only prints the last result. Never run it beside
// another VM of the e2e suite: the figures are wall-clock on a shared CPU.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { URL, fileURLToPath } from 'node:url';
import { median, printFigure, printHeader } from './lib/setup.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULT = fileURLToPath(new URL('../.e2e/results/bench-floor/result.json', import.meta.url));

function parseArgs(argv) {
  const opts = { vfs: 8, reps: 7, settleReps: 10, smp: 2, boot: true };
  for (let i = 0; i < argv.length; i++) {
    const [name, value] = [argv[i], Number(argv[i + 1])];
    if (name === '--no-boot') opts.boot = false;
    else if (['--vfs', '--reps', '--settle-reps', '--smp'].includes(name) && Number.isInteger(value) && value >= 1) {
      opts[{ '--vfs': 'vfs', '--reps': 'reps', '--settle-reps': 'settleReps', '--smp': 'smp' }[name]] = value;
      i++;
    } else throw new Error(`usage: node bench/vm-floor.mjs [--vfs N] [--reps N] [--settle-reps N] [--smp N] [--no-boot] (bad: ${name})`);
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

async function boot(opts) {
  await run(['make', '--no-print-directory', 'stage']);
  const deadline = 600 + opts.vfs * 10 * (opts.reps + opts.settleReps);
  await run([
    'test/e2e/testbed/run-vm.sh',
    '--vfs',
    String(opts.vfs),
    '--smp',
    String(opts.smp),
    '--deadline',
    String(deadline),
    '--param',
    `reps=${opts.reps}`,
    '--param',
    `settle_reps=${opts.settleReps}`,
    'bench-floor',
  ]);
}

const pick = (runs, key) => runs.map((r) => r[key]).filter((v) => typeof v === 'number');
const med = (runs, key) => median(pick(runs, key));
const spread = (runs, key) => `${Math.min(...pick(runs, key))}-${Math.max(...pick(runs, key))}`;

function printRuns(label, runs, keys) {
  for (const [key, what] of keys)
    printFigure(`${label}: ${what}, median of ${runs.length} (range ${spread(runs, key)})`, med(runs, key), 'ms');
}

/** Each run's total less its PF probe: what the floor script or the daemon adds once the PF is on its driver. */
const afterProbe = (runs, probeKey) => runs.map((r) => ({ ms: Math.round((r.totalMs - r[probeKey]) * 10) / 10 }));

function printFloor(facts) {
  const [floor, daemon, floorWithRules] = [facts.floor.runs, facts.daemon.runs, facts.floorWithRules?.runs];
  printRuns('shell floor', floor, [
    ['totalMs', 'rescan -> VFs on vfio-pci, udev settled'],
    ['probeMs', 'rescan -> PF on nvme (kernel)'],
    ['writeMs', 'sysfs writes'],
    ['settleMs', 'udevadm settle'],
  ]);
  if (floor.every((r) => r.polled))
    printRuns(
      'shell floor',
      floor.map((r) => r.polled),
      [
        ['pfBoundMs', 'rescan -> PF on nvme (polled, as for vfkeeper)'],
        ['vfsBoundMs', 'rescan -> VFs on vfio-pci (polled, as for vfkeeper)'],
      ],
    );
  printRuns('vfkeeper', daemon, [
    ['totalMs', 'rescan -> VFs on vfio-pci, udev settled'],
    ['pfBoundMs', 'rescan -> PF on nvme (polled)'],
    ['firstRunStartMs', "rescan -> daemon's first run starts (journal)"],
    ['numvfsStepMs', 'rescan -> set-numvfs logged'],
    ['lastBindStepMs', 'rescan -> last bind-driver logged'],
    ['lastRunEndMs', 'rescan -> last run ends'],
    ['vfsBoundMs', 'rescan -> VFs on vfio-pci (polled)'],
    ['settleMs', 'udevadm settle after that'],
    ['runsMs', 'its runs, summed DURATION_USEC'],
  ]);
  printFigure('vfkeeper: runs per PF appearance, median', med(daemon, 'runs'), 'runs');
  printFigure('warm-up run (uncounted), shell floor, rescan -> settled', facts.floor.warmup.totalMs, 'ms');
  printFigure('warm-up run (uncounted), vfkeeper, rescan -> settled', facts.daemon.warmup.totalMs, 'ms');
  printFigure('vfkeeper / shell floor (medians)', med(daemon, 'totalMs') / med(floor, 'totalMs'), 'x', { op: '<=', value: 1.2 });
  const [floorAfter, daemonAfter] = [afterProbe(floor, 'probeMs'), afterProbe(daemon, 'pfBoundMs')];
  printRuns('shell floor, once the PF is on nvme', floorAfter, [['ms', 'to VFs on vfio-pci, udev settled']]);
  printRuns('vfkeeper, once the PF is on nvme (polled)', daemonAfter, [['ms', 'to VFs on vfio-pci, udev settled']]);
  printFigure('vfkeeper / shell floor, once the PF is on nvme (medians)', med(daemonAfter, 'ms') / med(floorAfter, 'ms'), 'x');
  if (floorWithRules?.length) {
    printRuns('shell floor, rules in place', floorWithRules, [
      ['totalMs', 'rescan -> VFs on vfio-pci, udev settled'],
      ['settleMs', 'udevadm settle'],
    ]);
    printFigure('shell floor with the rules / without (medians)', med(floorWithRules, 'totalMs') / med(floor, 'totalMs'), 'x');
  }
}

function printSettle({ without, with: withRules, rulesPresent }) {
  console.log(`   rules files put back and taken away: ${rulesPresent.join(', ')}`);
  for (const [key, what] of [
    ['totalMs', 'trigger + settle'],
    ['settleMs', 'settle alone'],
  ]) {
    const [a, b] = [med(without, key), med(withRules, key)];
    printFigure(`udev ${what}, PF + VFs, no vfkeeper rules, median of ${without.length} (range ${spread(without, key)})`, a, 'ms');
    printFigure(`udev ${what}, PF + VFs, vfkeeper rules, median of ${withRules.length} (range ${spread(withRules, key)})`, b, 'ms');
    printFigure(`vfkeeper rules' cost on udev ${what}`, ((b - a) / a) * 100, '%', { op: '<=', value: 10 });
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.boot) await boot(opts);
  const result = JSON.parse(await readFile(RESULT, 'utf8'));
  const vm = JSON.parse(await readFile(new URL('vm.json', `file://${RESULT}`), 'utf8').catch(() => '{}'));
  printHeader(`shell floor vs vfkeeper on the guest's real kernel: ${result.vfs} VFs, kernel ${result.kernel}, ${vm.accel ?? '?'}`);
  if (!result.passed)
    console.log(
      `   the scenario did not pass: ${result.steps
        .filter((s) => !s.ok)
        .map((s) => `${s.name}: ${s.error}`)
        .join('; ')}`,
    );
  if (result.facts.floor && result.facts.daemon) printFloor(result.facts);
  if (result.facts.rulesSettle) printSettle(result.facts.rulesSettle);
}

await main();
