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
    /** The image with the network stacks, for the igb PF. */
    e2eNetImage: string;
    /** QEMU 10's private tree (fetch-qemu10.sh), for the igb PF. */
    e2eQemu10: string;
  }
}

const BUILD_TIMEOUT_MS = 30 * 60_000;

/** Runs a testbed script and returns the directory it prints last; a failure fails the suite (no skip). */
async function readScriptDir(script: string, args: readonly string[], hint: string): Promise<string> {
  const started = performance.now();
  const run = await runScript(join(TESTBED_DIR, script), args, BUILD_TIMEOUT_MS);
  const dir = run.stdout.trim().split('\n').pop();
  if (run.status !== 0 || dir === undefined || dir === '') {
    throw new VfkeeperError('ERR_E2E_IMAGE', `${script} ${args.join(' ')} exited with ${String(run.status)}`, { hint });
  }
  console.log(`e2e ${script} ${args.join(' ')}: ${dir} ready in ${Math.round(performance.now() - started)} ms`);
  return dir;
}

export default async function setup(project: TestProject): Promise<void> {
  const debootstrapLog = 'its log is above; debootstrap writes /var/tmp/vfkeeper-e2e/debootstrap.log';
  project.provide('e2eImage', await readScriptDir('build-image.sh', [], debootstrapLog));
  project.provide('e2eNetImage', await readScriptDir('build-image.sh', ['--variant', 'net'], debootstrapLog));
  project.provide('e2eQemu10', await readScriptDir('fetch-qemu10.sh', [], "QEMU 10 comes from Debian's bookworm-backports: the archive must be reachable once"));
}
