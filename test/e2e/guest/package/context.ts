// What the package scenario's parts share: the recorder, a udev monitor, a
// forwarder client of its own (relays are read from the forwarder, never
// from vfkeeper), the two packages the host built, and small readers of
// dpkg's and systemd's view of vfkeeper.
import type { Forwarder } from '../../../../src/dataplane/types.js';
import { runCommand } from '../lib/exec.js';
import { expectEqual } from '../lib/pci-expect.js';
import type { Recorder } from '../lib/recorder.js';
import type { ScenarioEnv } from '../lib/scenario-env.js';
import { readUnitProperties } from '../lib/systemctl.js';
import type { UdevMonitor } from '../lib/udev-monitor.js';

export const PF = '0000:01:00.0';
export const UNIT = 'vfkeeper.service';
export const DAEMON_ENTRIES = [`_SYSTEMD_UNIT=${UNIT}`];
/** systemd's own entries about the unit (Started, Stopped, Reloaded...). */
export const SYSTEMD_ENTRIES = [`UNIT=${UNIT}`];
/** The site's drop-in, written before the package as configuration management would. */
export const DROP_IN = '/etc/vfkeeper/conf.d/50-e2e.yaml';
export const CONFFILE = '/etc/vfkeeper/vfkeeper.yaml';

export interface PackageContext {
  env: ScenarioEnv;
  rec: Recorder;
  udev: UdevMonitor;
  forwarder: Forwarder;
  count: number;
  /** The packages the host built: the first version, and a newer build of it. */
  debs: { old: Deb; new: Deb };
}

export interface Deb {
  path: string;
  version: string;
}

const APT_MS = 600_000;

/** `apt ARGS` as an administrator runs it, non-interactive; fails on a non-zero exit with apt's output. */
export async function runApt(args: readonly string[]): Promise<string> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // dpkg's fsync per file costs minutes under TCG; the guest's disk is thrown away after the run.
  const r = await runCommand(['apt', '-y', '-o', 'Dpkg::Options::=--force-unsafe-io', ...args], { timeoutMs: APT_MS, env });
  const output = r.stdout + r.stderr;
  expectEqual(`exit status of apt ${args.join(' ')} (output: ${output.slice(-1500)})`, r.status, 0);
  return output;
}

/** dpkg's status and version of vfkeeper, e.g. "install ok installed 0.1.0"; "" when dpkg knows nothing of it. */
export async function readPackageState(): Promise<string> {
  const r = await runCommand(['dpkg-query', '-W', '-f', '${Status} ${Version}', 'vfkeeper'], { timeoutMs: 60_000 });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** `systemctl is-enabled`: enabled, disabled, masked, not-found... */
export async function readEnablement(): Promise<string> {
  const r = await runCommand(['systemctl', 'is-enabled', UNIT], { timeoutMs: 60_000 });
  return (r.stdout.trim() || r.stderr.trim()).split('\n')[0] ?? '';
}

export async function readMainPid(): Promise<string> {
  return (await readUnitProperties(UNIT, ['MainPID'])).MainPID ?? '0';
}
