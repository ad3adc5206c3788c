import { defineConfig } from 'vitest/config';

// The real-kernel suite (`make e2e`): test/e2e/*.test.ts each boot the QEMU
// guest built by test/e2e/testbed (see test/e2e/README.md). One VM at a
// time: these machines have two cores and TCG is slow.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 20 * 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
