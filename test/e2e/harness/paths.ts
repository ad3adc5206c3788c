import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (the directory shared into the guest). */
export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const TESTBED_DIR = join(PROJECT_DIR, 'test/e2e/testbed');
export const RESULTS_ROOT = join(PROJECT_DIR, '.e2e/results');
