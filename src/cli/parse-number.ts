// Numbers on the command line are whole decimal numbers, digits only:
// Number() would take "1e3", "0x10", " 5", "" (0) and 23 digits rounded,
// and each of those is a typo or a script's bug, not a relay or a count.
import { UsageError } from './usage-error.js';

const DIGITS = /^[0-9]{1,15}$/;

/** `value` of option `--name` as a whole number in [min, max], else a UsageError saying what was given. */
export function parseWholeNumber(value: string, name: string, range: { min: number; max: number }, usage?: string): number {
  const expected = `--${name} must be a whole decimal number from ${range.min} to ${range.max}`;
  if (!DIGITS.test(value)) throw new UsageError(`${expected}, got "${value}"`, usage);
  const n = Number(value);
  if (n < range.min || n > range.max) throw new UsageError(`${expected}, got ${value}`, usage);
  return n;
}
