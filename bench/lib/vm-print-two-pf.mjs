// Prints the two-PF boot (test/e2e/guest/scenarios/bench-two-pf.ts's
// result.json fact twoPf): both PFs appearing at once against each PF alone,
// with vfkeeper's daemon; the two-PF time against the slowest single PF
// (the target: PFs side by side) and against the sum (PFs one after another).
import { med, printRuns } from './vm-print-floor.mjs';
import { printFigure } from './setup.mjs';

export function printTwoPf({ pfs, both, alone }) {
  const what = 'rescan -> VFs on vfio-pci, udev settled';
  printRuns(`both PFs at once (${pfs.map((p) => `${p.kind} ${p.pci}, ${p.vfs} VFs`).join('; ')})`, both.runs, [
    ['totalMs', `one ${what}`],
    ['settleMs', 'udevadm settle after the last VF bound'],
    ['runsMs', "the daemon's runs, summed DURATION_USEC"],
  ]);
  pfs.forEach((pf, i) =>
    printRuns(
      `both PFs at once, the ${pf.kind} PF's part`,
      both.runs.map((r) => r.perPf[i]),
      [['vfsBoundMs', 'rescan -> its VFs on vfio-pci (polled)']],
    ),
  );
  printFigure('both PFs at once: daemon runs per rescan, median', med(both.runs, 'runs'), 'runs');
  const singles = pfs.map((pf) => {
    const runs = alone[pf.kind].runs;
    printRuns(`${pf.kind} PF alone`, runs, [['totalMs', what]]);
    return med(runs, 'totalMs');
  });
  const [twoPf, slowest, sum] = [med(both.runs, 'totalMs'), Math.max(...singles), singles.reduce((a, b) => a + b, 0)];
  printFigure('both at once / the slowest PF alone (medians; 1.0: side by side)', twoPf / slowest, 'x');
  printFigure('both at once / the sum of the PFs alone (medians; 1.0: one after the other)', twoPf / sum, 'x');
  printFigure('warm-up round (uncounted), both PFs at once', both.warmup.totalMs, 'ms');
}
