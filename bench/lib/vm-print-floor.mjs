// Prints one PF's floor bench (test/e2e/guest/scenarios/bench-floor.ts's
// result.json facts): the shell floor, vfkeeper and the peers, each as
// medians with their range and as a ratio to the floor, from the rescan and
// from the PF on its driver; then each tool's udev rules' settle cost.
import { median, printFigure } from './setup.mjs';

const pick = (runs, key) => runs.map((r) => r[key]).filter((v) => typeof v === 'number');
export const med = (runs, key) => median(pick(runs, key));
export const spread = (runs, key) => `${Math.min(...pick(runs, key))}-${Math.max(...pick(runs, key))}`;

export function printRuns(label, runs, keys) {
  for (const [key, what] of keys)
    printFigure(`${label}: ${what}, median of ${runs.length} (range ${spread(runs, key)})`, med(runs, key), 'ms');
}

/** Each run's total less its PF probe: what the script or the daemon adds once the PF is on its driver. */
const afterProbe = (runs, probeKey) => runs.map((r) => ({ ms: Math.round((r.totalMs - r[probeKey]) * 10) / 10 }));

function printBreakdown(facts, driver) {
  const [floor, daemon] = [facts.floor.runs, facts.daemon?.runs];
  printRuns('shell floor', floor, [
    ['probeMs', `rescan -> PF on ${driver} (kernel)`],
    ['writeMs', 'sysfs writes'],
    ['settleMs', 'udevadm settle'],
  ]);
  if (floor.every((r) => r.polled))
    printRuns(
      'shell floor',
      floor.map((r) => r.polled),
      [
        ['pfBoundMs', `rescan -> PF on ${driver} (polled, as for vfkeeper)`],
        ['vfsBoundMs', 'rescan -> VFs on vfio-pci (polled, as for vfkeeper)'],
      ],
    );
  if (daemon)
    printRuns('vfkeeper', daemon, [
      ['pfBoundMs', `rescan -> PF on ${driver} (polled)`],
      ['firstRunStartMs', "rescan -> daemon's first run starts (journal)"],
      ['numvfsStepMs', 'rescan -> set-numvfs logged'],
      ['lastBindStepMs', 'rescan -> last bind-driver logged'],
      ['lastRunEndMs', 'rescan -> last run ends'],
      ['vfsBoundMs', 'rescan -> VFs on vfio-pci (polled)'],
      ['settleMs', 'udevadm settle after that'],
      ['runsMs', 'its runs, summed DURATION_USEC'],
    ]);
  if (daemon) printFigure('vfkeeper: runs per PF appearance, median', med(daemon, 'runs'), 'runs');
  for (const peer of Object.keys(facts.peers ?? {}))
    printRuns(peer, facts.peers[peer].runs, [
      ['probeMs', `rescan -> PF on ${driver}`],
      ['writeMs', 'its bind part (from the VF count written)'],
      ['settleMs', 'udevadm settle'],
    ]);
}

/**
 * Each tool against the floor: from the rescan (the whole path) and from the
 * PF on its driver (what the tool adds; the floor's and peers' by the
 * script's own mark, vfkeeper's by the poller).
 */
function printRatios(facts, driver) {
  const floor = facts.floor.runs;
  const tools = [
    ...Object.entries(facts.peers ?? {}).map(([name, s]) => [name, s.runs, 'probeMs']),
    ...(facts.daemon ? [['vfkeeper', facts.daemon.runs, 'pfBoundMs']] : []),
  ];
  const [floorAll, floorAfter] = [med(floor, 'totalMs'), med(afterProbe(floor, 'probeMs'), 'ms')];
  printRuns('shell floor', floor, [['totalMs', 'rescan -> VFs on vfio-pci, udev settled']]);
  printRuns(`shell floor, once the PF is on ${driver}`, afterProbe(floor, 'probeMs'), [['ms', 'to VFs on vfio-pci, udev settled']]);
  for (const [name, runs, probeKey] of tools) {
    const after = afterProbe(runs, probeKey);
    printRuns(name, runs, [['totalMs', 'rescan -> VFs on vfio-pci, udev settled']]);
    printRuns(`${name}, once the PF is on ${driver}`, after, [['ms', 'to VFs on vfio-pci, udev settled']]);
    const target = name === 'vfkeeper' ? { op: '<=', value: 1.2 } : undefined;
    printFigure(`${name} / shell floor, from the rescan (medians)`, med(runs, 'totalMs') / floorAll, 'x', target);
    printFigure(`${name} / shell floor, from the PF on ${driver} (medians)`, med(after, 'ms') / floorAfter, 'x');
  }
}

function printSettle(owner, { without, with: withRules, rulesPresent }, action, target) {
  console.log(
    `   ${owner}'s rules files put back and taken away: ${rulesPresent.join(', ') || '(none found)'}; udevadm trigger --action=${action}`,
  );
  for (const [key, what] of [
    ['totalMs', 'trigger + settle'],
    ['settleMs', 'settle alone'],
  ]) {
    const [a, b] = [med(without, key), med(withRules, key)];
    printFigure(`udev ${what}, no ${owner} rules, median of ${without.length} (range ${spread(without, key)})`, a, 'ms');
    printFigure(`udev ${what}, ${owner} rules, median of ${withRules.length} (range ${spread(withRules, key)})`, b, 'ms');
    printFigure(`${owner} rules' cost on udev ${what}`, ((b - a) / a) * 100, '%', target);
  }
}

/** Everything of one bench-floor result's facts; `driver` the PF's own driver. */
export function printFloorFacts(facts, driver) {
  // A run cut short still has the series recorded before it stopped.
  if (facts.floor) {
    printBreakdown(facts, driver);
    printFigure('warm-up run (uncounted), shell floor, rescan -> settled', facts.floor.warmup.totalMs, 'ms');
    if (facts.daemon) printFigure('warm-up run (uncounted), vfkeeper, rescan -> settled', facts.daemon.warmup.totalMs, 'ms');
    printRatios(facts, driver);
  }
  const [floor, withRules] = [facts.floor?.runs, facts.floorWithRules?.runs];
  if (floor && withRules?.length) {
    printRuns("shell floor, vfkeeper's rules in place", withRules, [
      ['totalMs', 'rescan -> VFs on vfio-pci, udev settled'],
      ['settleMs', 'udevadm settle'],
    ]);
    printFigure('shell floor with the rules / without (medians)', med(withRules, 'totalMs') / med(floor, 'totalMs'), 'x');
  }
  if (facts.rulesSettle) printSettle('vfkeeper', facts.rulesSettle, 'change', { op: '<=', value: 10 });
  if (facts.driverctlSettle) printSettle('driverctl', facts.driverctlSettle, 'add (PF, VFs, their vfio groups)');
  if (facts.peers?.['dpdk-devbind']) console.log('   dpdk-devbind.py: dpdk ships no udev rules, so it adds nothing to udev settle');
}
