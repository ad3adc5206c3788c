// Boots the guest once for one scenario (test/e2e/testbed/run-vm.sh) and reads
// back what it left in its results directory. Everything read is parsed: a
// missing or malformed file becomes `undefined` plus a line in `problems`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { RESULT_FILE, scenarioResultSchema, type ScenarioResult } from '../guest/lib/scenario-result.js';
import { RESULTS_ROOT, TESTBED_DIR } from './paths.js';
import { runScript } from './spawn-script.js';

const vmReportSchema = z.object({ accel: z.string(), pf: z.string().optional(), vfs: z.number(), boots: z.number().optional(), wallMs: z.number(), qemuExit: z.number() });
const launchSchema = z.object({ uptimeSeconds: z.number(), systemState: z.string(), kernel: z.string() });

export interface ScenarioOptions {
  image: string;
  vfs: number;
  /** The scenario's own deadline inside the guest. */
  deadlineSeconds: number;
  /** The emulated PF (run-vm.sh --pf; default nvme) and, for igb, QEMU 10's tree. */
  pf?: 'nvme' | 'igb';
  qemu10?: string;
  /** Guest vCPUs (run-vm.sh --smp; default 1). */
  smp?: number;
  params?: Readonly<Record<string, string>>;
}

export interface ScenarioRun {
  scenario: string;
  /** run-vm.sh's exit status: the scenario's, 124 deadline, 125 no result. */
  exitStatus: number | null;
  resultsDir: string;
  result: ScenarioResult | undefined;
  vm: z.infer<typeof vmReportSchema> | undefined;
  launch: z.infer<typeof launchSchema> | undefined;
  /** Files that were missing or malformed, for failure messages. */
  problems: string[];
}

/** Boot, boot allowance and power-off on top of the guest deadline; run-vm.sh enforces its own too. */
const HOST_MARGIN_MS = 6 * 60_000;

async function readParsed<T>(dir: string, file: string, schema: z.ZodType<T>, problems: string[]): Promise<T | undefined> {
  try {
    const parsed = schema.safeParse(JSON.parse(await readFile(join(dir, file), 'utf8')));
    if (parsed.success) return parsed.data;
    problems.push(`${file}: ${parsed.error.message}`);
  } catch (e) {
    problems.push(`${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return undefined;
}

export async function runScenario(scenario: string, options: ScenarioOptions): Promise<ScenarioRun> {
  const resultsDir = join(RESULTS_ROOT, scenario);
  const args = ['--image', options.image, '--vfs', String(options.vfs), '--deadline', String(options.deadlineSeconds), '--results', resultsDir];
  if (options.smp !== undefined) args.push('--smp', String(options.smp));
  if (options.pf !== undefined) args.push('--pf', options.pf);
  if (options.qemu10 !== undefined) args.push('--qemu10', options.qemu10);
  for (const [key, value] of Object.entries(options.params ?? {})) args.push('--param', `${key}=${value}`);
  args.push(scenario);
  const run = await runScript(join(TESTBED_DIR, 'run-vm.sh'), args, options.deadlineSeconds * 1000 + HOST_MARGIN_MS);
  const problems: string[] = [];
  return {
    scenario,
    exitStatus: run.status,
    resultsDir,
    result: await readParsed(resultsDir, RESULT_FILE, scenarioResultSchema, problems),
    vm: await readParsed(resultsDir, 'vm.json', vmReportSchema, problems),
    launch: await readParsed(resultsDir, 'launch.json', launchSchema, problems),
    problems,
  };
}

/** A failure message: what went wrong and where to look, with the tail of the scenario's output. */
export async function formatFailure(run: ScenarioRun): Promise<string> {
  const output = await readFile(join(run.resultsDir, 'output.log'), 'utf8').catch(() => '(no output.log)');
  const failed = run.result?.steps.find((s) => !s.ok);
  return [
    `scenario ${run.scenario}: exit ${String(run.exitStatus)}`,
    failed ? `failed step: ${failed.name}: ${failed.error ?? ''}` : '',
    ...run.problems,
    `results: ${run.resultsDir} (console.log, journal.txt, output.log)`,
    output.split('\n').slice(-25).join('\n'),
  ]
    .filter((l) => l !== '')
    .join('\n');
}
