// The results JSON a guest scenario writes into the results share: the guest
// builds it, the host suite parses it with this schema (it crosses a VM).
import { z } from 'zod';

export const stepRecordSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  ms: z.number(),
  error: z.string().optional(),
});

export const scenarioResultSchema = z.object({
  scenario: z.string(),
  vfs: z.number().int(),
  kernel: z.string(),
  /** Steps in the order they ran; the first failure ends the scenario. */
  steps: z.array(stepRecordSchema),
  /** Durations in milliseconds, measured in the guest. */
  timings: z.record(z.string(), z.number()),
  /** Observations worth printing or asserting on (ids, groups, errno codes). */
  facts: z.record(z.string(), z.unknown()),
  /** True when every step ran and passed. */
  passed: z.boolean(),
});

export type StepRecord = z.infer<typeof stepRecordSchema>;
export type ScenarioResult = z.infer<typeof scenarioResultSchema>;

export const RESULT_FILE = 'result.json';
