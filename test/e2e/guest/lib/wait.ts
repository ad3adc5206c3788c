import { VfkeeperError } from '../../../../src/model/errors.js';

export interface WaitOptions {
  /** What is awaited, for the error message ("4 VFs on vfio-pci"). */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/**
 * Polls `probe` until it returns a value other than undefined, or throws
 * ERR_E2E_TIMEOUT naming what was awaited and the last probe error.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = performance.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    if (performance.now() >= deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new VfkeeperError('ERR_E2E_TIMEOUT', `timed out after ${options.timeoutMs} ms waiting for ${options.what}${last}`, {
        hint: 'see output.log, journal.txt and console.log in the results directory',
        cause: lastError,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}

/** Milliseconds elapsed since `start` (a performance.now() value), rounded to 0.1 ms. */
export function readElapsedMs(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}
