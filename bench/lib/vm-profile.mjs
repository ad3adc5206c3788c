// Where the daemon's time goes in the guest, from its CPU profile (node
// --cpu-prof, test/e2e/guest/bench/daemon-profile.ts) read against its own
// journal entries: V8 stamps each sample on CLOCK_MONOTONIC, the journal
// export the guest writes (journal.txt, short-monotonic) too. Each run the
// PF's appearance woke is cut into its phases at the entries that mark them
// (run start, autoprobe, the count, the last bind, run end), and each
// phase's samples are sorted into: waiting (node's "(idle)": the event loop
// had nothing to run, so the daemon waited on the kernel, the thread pool
// or journald), garbage collection, node/V8 internals ("(program)"), and
// JavaScript, by function (self time). Pure: the caller reads the files.

const LINE = /^\[\s*(\d+\.\d+)\]\s+\S+\s+vfkeeper\[\d+\]:\s+(.*)$/;

const MARKS = [
  ['start', /^Reconcile run (\w+) started \((0000:[0-9a-f:.]+), woken by udev/],
  ['autoprobe', /^Turned sriov_drivers_autoprobe of /],
  ['numvfs', /^Set sriov_numvfs of /],
  ['bound', /^Bound \S+ to vfio-pci/],
  ['end', /^Reconcile run (\w+) finished/],
];

/** The daemon's runs woken by udev for one PF, each with its marks in us (CLOCK_MONOTONIC): start, autoprobe, numvfs, lastBound, end. */
export function readRunMarks(journalText) {
  const runs = [];
  let open = null;
  for (const line of journalText.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const us = Math.round(Number(m[1]) * 1e6);
    const [name, found] = MARKS.map(([n, re]) => [n, re.exec(m[2])]).find(([, f]) => f) ?? [];
    if (name === 'start') open = { run: found[1], pf: found[2], start: us };
    else if (open && name === 'autoprobe') open.autoprobe ??= us;
    else if (open && name === 'numvfs') open.numvfs ??= us;
    else if (open && name === 'bound') open.lastBound = us;
    else if (open && name === 'end' && found[1] === open.run) {
      runs.push({ ...open, end: us });
      open = null;
    }
  }
  // Only runs that did the PF's work: the confirming-only runs have no count step.
  return runs.filter((r) => r.autoprobe !== undefined && r.numvfs !== undefined && r.lastBound !== undefined);
}

/** Each sample's time (us, the profile's clock) and what it counts as. */
function readSamples(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const samples = [];
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const frame = byId.get(profile.samples[i])?.callFrame;
    samples.push({ t, what: classify(frame) });
  }
  return samples;
}

function classify(frame) {
  const name = frame?.functionName ?? '';
  if (name === '(idle)') return 'waiting';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(root)') return 'node/V8 internals';
  const file = (frame?.url ?? '').split('/').pop() || 'native';
  return `js ${name || '(anonymous)'} ${file}:${(frame?.lineNumber ?? 0) + 1}`;
}

const PHASES = [
  ['first pass: read, plan, autoprobe', 'start', 'autoprobe'],
  ['the count (kernel creates VFs)', 'autoprobe', 'numvfs'],
  ['the binds', 'numvfs', 'lastBound'],
  ['confirming pass', 'lastBound', 'end'],
];

/**
 * Per phase, summed over the runs: wall ms, and ms of samples per class
 * (JavaScript's top functions apart, the rest of it as "js, other").
 */
export function summarizeProfile(profile, journalText, topJs = 5) {
  const runs = readRunMarks(journalText);
  const samples = readSamples(profile);
  const interval = samples.length > 1 ? (samples.at(-1).t - samples[0].t) / (samples.length - 1) / 1000 : 0;
  const phases = PHASES.map(([label, from, to]) => {
    const counts = new Map();
    let wallUs = 0;
    for (const r of runs) {
      wallUs += r[to] - r[from];
      for (const s of samples) if (s.t >= r[from] && s.t < r[to]) counts.set(s.what, (counts.get(s.what) ?? 0) + 1);
    }
    const ms = (n) => Math.round(n * interval * 10) / 10;
    const js = [...counts].filter(([k]) => k.startsWith('js ')).sort((a, b) => b[1] - a[1]);
    const jsTotal = js.reduce((sum, [, n]) => sum + n, 0);
    const jsTop = js.slice(0, topJs).map(([k, n]) => [k.slice(3), ms(n)]);
    return {
      label,
      wallMs: Math.round(wallUs / 100) / 10,
      waitingMs: ms(counts.get('waiting') ?? 0),
      gcMs: ms(counts.get('GC') ?? 0),
      internalsMs: ms(counts.get('node/V8 internals') ?? 0),
      jsMs: ms(jsTotal),
      jsTop,
    };
  });
  return { runs: runs.length, intervalMs: Math.round(interval * 1000) / 1000, phases };
}

export function printProfile(summary, print = console.log) {
  print(
    `   the daemon's CPU profile, ${summary.runs} runs of the PF's work (sampled every ${summary.intervalMs} ms), ms summed over the runs:`,
  );
  for (const p of summary.phases) {
    print(`     ${p.label}: ${p.wallMs} wall = waiting ${p.waitingMs} + JS ${p.jsMs} + GC ${p.gcMs} + node/V8 ${p.internalsMs} (sampled)`);
    for (const [fn, ms] of p.jsTop) print(`         ${String(ms).padStart(7)} ms  ${fn}`);
  }
}
