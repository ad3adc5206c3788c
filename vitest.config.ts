import { defineConfig } from 'vitest/config';

// Unit and integration suites run on every `make check`; the real-kernel
// suite (test/e2e) has its own config because it boots a VM.
export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/fault/**/*.test.ts',
      'test/fuzz/**/*.test.ts',
      'test/security/**/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
