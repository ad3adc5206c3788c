// Builds the guest image once per run of the e2e suite (or finds it in the
// cache) and hands its directory to the test files.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { VfkeeperError } from '../../src/model/errors.js';
import { TESTBED_DIR } from './harness/paths.js';
import { runScript } from './harness/spawn-script.js';

declare module 'vitest' {
  export interface ProvidedContext {
    e2eImage: string;
  }
}

const BUILD_TIMEOUT_MS = 30 * 60_000;

export default async function setup(project: TestProject): Promise<void> {
  const started = performance.now();
  const build = await runScript(join(TESTBED_DIR, 'build-image.sh'), [], BUILD_TIMEOUT_MS);
  const image = build.stdout.trim().split('\n').pop();
  if (build.status !== 0 || image === undefined || image === '') {
    throw new VfkeeperError('ERR_E2E_IMAGE', `build-image.sh exited with ${String(build.status)}`, {
      hint: 'its log is above; debootstrap writes /var/tmp/vfkeeper-e2e/debootstrap.log',
    });
  }
  console.log(`e2e image ${image} ready in ${Math.round(performance.now() - started)} ms`);
  project.provide('e2eImage', image);
}
