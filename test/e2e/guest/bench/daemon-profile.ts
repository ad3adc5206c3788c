// `--param profile=1` (bench/vm-floor.mjs --profile): the daemon's series
// runs under node's CPU profiler, so the time its runs take in the guest can
// be split into its own JavaScript, GC and waiting (bench/vm-profile.mjs
// reads the profile against the journal's run entries: V8 stamps samples on
// CLOCK_MONOTONIC, as journald does). --cpu-prof is not allowed in
// NODE_OPTIONS, so a runtime drop-in starts the installed bundle with it,
// on the node and bundle /usr/bin/vfkeeper names; it goes again after the
// series, and the profile is copied to the results directory.
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { UNIT } from '../daemon/context.js';
import { runSystemctl } from '../lib/systemctl.js';

const DROP_IN_DIR = `/run/systemd/system/${UNIT}.d`;
const DROP_IN = join(DROP_IN_DIR, 'bench-profile.conf');
// Under /tmp: the unit's ProtectSystem=strict leaves it writable (ReadWritePaths), not /var/tmp.
const PROFILE_DIR = '/tmp/vfkeeper-bench-profile';
/** 500 us: finer than node's default 1 ms, for runs of a few hundred ms. */
const INTERVAL_US = 500;

export const wantsProfile = (): boolean => process.env.VFKEEPER_E2E_PROFILE === '1';

/** The node and bundle the installed launcher runs (make install writes `exec "NODE" "MAIN" "$@"`). */
async function readLauncher(): Promise<{ node: string; main: string }> {
  const text = await readFile('/usr/bin/vfkeeper', 'utf8');
  const m = /^exec "([^"]+)" "([^"]+)" "\$@"$/m.exec(text);
  if (!m?.[1] || !m[2]) throw new VfkeeperError('ERR_E2E_PROFILE', '/usr/bin/vfkeeper: expected a line exec "NODE" "MAIN" "$@"');
  return { node: m[1], main: m[2] };
}

export async function applyProfileDropIn(): Promise<void> {
  const { node, main } = await readLauncher();
  await rm(PROFILE_DIR, { recursive: true, force: true });
  await mkdir(PROFILE_DIR, { recursive: true });
  await mkdir(DROP_IN_DIR, { recursive: true });
  const flags = `--cpu-prof --cpu-prof-dir=${PROFILE_DIR} --cpu-prof-interval=${INTERVAL_US}`;
  await writeFile(DROP_IN, `[Service]\nExecStart=\nExecStart=${node} ${flags} ${main} daemon\n`);
  await runSystemctl(['daemon-reload']);
}

/** After the daemon stopped (node writes the profile on exit): the profile into `resultsDir`, the drop-in gone. */
export async function collectProfile(resultsDir: string): Promise<string[]> {
  await rm(DROP_IN, { force: true });
  await runSystemctl(['daemon-reload']);
  const names = (await readdir(PROFILE_DIR)).filter((n) => n.endsWith('.cpuprofile'));
  await Promise.all(names.map((n) => copyFile(join(PROFILE_DIR, n), join(resultsDir, `daemon-${n}`))));
  return names.map((n) => `daemon-${n}`);
}
