// Records a guest scenario as it runs and writes its results JSON.
// Invariants: steps are kept in the order they ran; once a step fails no
// further step runs (step() rethrows, the scenario ends); the results file is
// written once, by writeResult(), whatever happened.
import { writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { RESULT_FILE, type ScenarioResult, type StepRecord } from './scenario-result.js';
import { readElapsedMs } from './wait.js';
import type { ScenarioEnv } from './scenario-env.js';

export interface Recorder {
  /** Runs one named step, recording its duration and outcome; rethrows its failure. */
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
  timing(name: string, ms: number): void;
  fact(name: string, value: unknown): void;
  writeResult(passed: boolean): Promise<ScenarioResult>;
}

export interface RecorderOptions {
  scenario: string;
  vfs: number;
  kernel: string;
  resultsDir: string;
  /** Where progress lines go (the scenario's stdout). */
  print: (line: string) => void;
  /** What an earlier boot of the same scenario recorded: kept, and added to. */
  previous?: ScenarioResult;
}

export function createRecorder(options: RecorderOptions): Recorder {
  const steps: StepRecord[] = [...(options.previous?.steps ?? [])];
  const timings: Record<string, number> = { ...options.previous?.timings };
  const facts: Record<string, unknown> = { ...options.previous?.facts };
  return {
    async step(name, run) {
      const start = performance.now();
      try {
        const value = await run();
        steps.push({ name, ok: true, ms: readElapsedMs(start) });
        options.print(`ok   ${name} (${readElapsedMs(start)} ms)`);
        return value;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        steps.push({ name, ok: false, ms: readElapsedMs(start), error });
        options.print(`FAIL ${name}: ${error}`);
        throw e;
      }
    },
    timing: (name, ms) => void (timings[name] = ms),
    fact: (name, value) => void (facts[name] = value),
    async writeResult(passed) {
      const { scenario, vfs, kernel } = options;
      const result: ScenarioResult = { scenario, vfs, kernel, steps, timings, facts, passed: passed && steps.every((s) => s.ok) };
      await writeFile(join(options.resultsDir, RESULT_FILE), `${JSON.stringify(result, null, 2)}\n`);
      return result;
    },
  };
}

/** A scenario's recorder as the image's launcher runs it: this kernel, results where the launcher collects them, progress on stdout. */
export function recorderFor(env: Pick<ScenarioEnv, 'scenario' | 'vfs' | 'resultsDir'>, previous?: ScenarioResult): Recorder {
  return createRecorder({
    scenario: env.scenario,
    vfs: env.vfs,
    kernel: release(),
    resultsDir: env.resultsDir,
    print: (l) => console.log(l),
    ...(previous ? { previous } : {}),
  });
}
