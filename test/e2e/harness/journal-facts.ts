// Reading the daemon scenario's facts on the host: each parsed with its
// schema (a missing one says which scenario did not get that far), and the
// journal entries it carries sliced by run and by step.
import type { z } from 'zod';
import { messageIdFor } from '../../../src/journal/message-ids.js';
import type { ScenarioRun } from './run-scenario.js';

export type Entry = Readonly<Record<string, string>>;

/** The fact `name` of the run, parsed; throws naming it and the run's failure. */
export function readFact<T>(run: ScenarioRun, name: string, schema: z.ZodType<T>, failure: string): T {
  const parsed = schema.safeParse(run.result?.facts[name]);
  if (parsed.success) return parsed.data;
  throw new Error(`fact ${name} is missing or malformed (${parsed.error.issues[0]?.message ?? ''})\n${failure}`);
}

export const isMessage = (e: Entry, key: string): boolean => e.MESSAGE_ID === messageIdFor(key);

/** Step entries, of one kind when given. */
export function stepEntries(entries: readonly Entry[], kind?: string): Entry[] {
  return entries.filter((e) => e.VFKEEPER_STEP !== undefined && (kind === undefined || e.VFKEEPER_STEP === kind));
}

/** The ids of the runs woken by `event` (alone or coalesced with others), in the order they started. */
export function runsWokenBy(entries: readonly Entry[], event: string): string[] {
  const woken = (e: Entry) => e.VFKEEPER_EVENT === event || (e.VFKEEPER_EVENTS ?? '').split(' ').includes(event);
  return entries.filter((e) => isMessage(e, 'run.start') && woken(e)).map((e) => e.VFKEEPER_RUN ?? '');
}

export function entriesOfRun(entries: readonly Entry[], run: string): Entry[] {
  return entries.filter((e) => e.VFKEEPER_RUN === run);
}

/** How many entries each value of `field` has, e.g. one per VF_PCI_SLOT. */
export function countBy(entries: readonly Entry[], field: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of entries) {
    const v = e[field];
    if (v !== undefined) counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}
