import type { ScenarioRun } from './run-scenario.js';

/** The measured figures of a run, one per line, for the suite's output. */
export function formatTimings(run: ScenarioRun): string {
  const lines = [`e2e ${run.scenario} timings (${run.vm?.accel ?? '?'}, ${run.vm?.vfs ?? '?'} VFs):`];
  if (run.vm) lines.push(`  boot + scenario + power-off (host wall)  ${(run.vm.wallMs / 1000).toFixed(1)} s`);
  if (run.launch) lines.push(`  boot to scenario launch (guest uptime)   ${run.launch.uptimeSeconds.toFixed(1)} s`);
  for (const [name, ms] of Object.entries(run.result?.timings ?? {})) {
    lines.push(`  ${name.padEnd(40)} ${ms.toFixed(1)} ms`);
  }
  return lines.join('\n');
}
