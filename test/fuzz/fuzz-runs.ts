// How many cases each property gets: a few hundred in `make check` (quick),
// VFKEEPER_FUZZ_RUNS in `make fuzz` (10,000 and more). Every property ends
// the same way: a value, or a typed error (a VfkeeperError with its code),
// never anything else.
import fc from 'fast-check';
import { expect } from 'vitest';
import { VfkeeperError } from '../../src/model/errors.js';

const DEFAULT_RUNS = 300;

export function fuzzRuns(): number {
  const text = process.env['VFKEEPER_FUZZ_RUNS'];
  if (text === undefined || text === '') return DEFAULT_RUNS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`VFKEEPER_FUZZ_RUNS=${text} is not a positive whole number`);
  return n;
}

/** Options for fc.assert: the run count, and a seed printed on failure (fast-check does). */
export const fuzzOptions = (): fc.Parameters<unknown> => ({ numRuns: fuzzRuns() });

/** A long run gets the time it needs: a few ms a case on a busy machine, with room. */
export const fuzzTimeout = (): number => Math.max(30_000, fuzzRuns() * 25);

/** `f` returns, or throws a VfkeeperError with one of `codes`: the only two outcomes allowed. */
export function expectValueOrTyped<T>(f: () => T, codes: RegExp): T | VfkeeperError {
  try {
    return f();
  } catch (e) {
    expect(e).toBeInstanceOf(VfkeeperError);
    expect((e as VfkeeperError).code).toMatch(codes);
    return e as VfkeeperError;
  }
}
