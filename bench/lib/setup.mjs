// Shared by the bench scripts: a temporary directory, an emulated forwarder
// in it, a configuration that keeps every path inside it, and the figures'
// format. The scripts import the built code (dist/), the code that ships.
// Invariants: nothing is written outside the temporary directory (the
// firmware directory, socket directory, metrics file and pause file all
// live in it); cleanup() stops the emulator and removes the directory.
import { access, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { ForwarderEmulator } from '../../dist/dataplane/emulator/emulator.js';
import { loadConfig } from '../../dist/config/load-config.js';
import { TEXTFILE_DIRS } from '../../dist/daemon/metrics.js';
import { createStderrLogger } from '../../dist/journal/stderr-logger.js';
import { WideForwarderEmulator } from './wide-emulator.mjs';

/**
 * A temporary world: dir, an emulator (not started), a config file path.
 * `wide`: the emulator that accepts relay numbers above 127 (wide-emulator.mjs).
 */
export async function makeWorld({ maxRelays = 60, wide = false, metrics = true } = {}) {
  if (!metrics && (await hasTextfileDir())) throw new Error(`metrics_file: null would write into ${TEXTFILE_DIRS.join(' or ')}`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'vfk-bench-'));
  await mkdir(path.join(dir, 'firmware'), { recursive: true });
  const fwDir = path.join(dir, 'fw');
  const emulator = wide ? new WideForwarderEmulator({ dir: fwDir, maxRelays }) : new ForwarderEmulator({ dir: fwDir, maxRelays });
  const configPath = path.join(dir, 'vfkeeper.yaml');
  await writeFile(configPath, formatConfig(dir, emulator, metrics));
  return {
    dir,
    emulator,
    configPath,
    path: (name) => path.join(dir, name),
    loadConfig: () => loadConfig(configPath),
    async cleanup() {
      await emulator.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** metrics false: metrics_file null (the default), safe only where no node_exporter directory exists (see hasTextfileDir). */
function formatConfig(dir, emulator, metrics) {
  return [
    'relays: auto',
    'forwarder:',
    `  port_control: ${emulator.endpoints.portControl}`,
    `  stats: ${emulator.endpoints.stats}`,
    `  socket_dir: ${emulator.socketDir}`,
    '  socket_owner: "nobody:nogroup"',
    'firmware:',
    `  dir: ${path.join(dir, 'firmware')}`,
    '  guard: off',
    'daemon:',
    `  metrics_file: ${metrics ? path.join(dir, 'vfkeeper.prom') : 'null'}`,
    '',
  ].join('\n');
}

/** Whether the daemon would write metrics outside the temporary directory with metrics_file: null. */
export async function hasTextfileDir() {
  const found = await Promise.all(
    TEXTFILE_DIRS.map((d) =>
      access(d).then(
        () => true,
        () => false,
      ),
    ),
  );
  return found.includes(true);
}

/** The daemon's stderr logger, formatting every line, into a sink (what the caller pays without journald). */
export function createSinkLogger() {
  const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  return createStderrLogger({ stream: sink });
}

/**
 * `--quick` (`make bench-quick`, which `make check` runs): a few iterations,
 * figures printed and asserted nowhere, so that a bench a change broke fails
 * CI; quick figures mean little. The other arguments are the positional ones.
 */
export const QUICK = process.argv.includes('--quick');
export const positional = (i, full, quick) => {
  const args = process.argv.slice(2).filter((a) => a !== '--quick');
  return args[i] !== undefined ? Number(args[i]) : QUICK ? quick : full;
};

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export const msSince = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** One figure per line: `FIGURE name = value unit (target: ..., MET|MISSED)`. */
export function printFigure(name, value, unit, target) {
  const shown = typeof value !== 'number' || Number.isInteger(value) ? String(value) : value.toFixed(value < 10 ? 3 : 1);
  const verdict =
    target === undefined ? '' : ` (target ${target.op} ${target.value} ${unit}: ${compare(value, target) ? 'MET' : 'MISSED'})`;
  console.log(`FIGURE ${name} = ${shown} ${unit}${verdict}`);
}

function compare(value, target) {
  return target.op === '<=' ? value <= target.value : value >= target.value;
}

export function printHeader(title) {
  console.log(`\n== ${title}`);
  console.log(
    `   node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

/**
 * The environment for the node processes a bench times or measures: this
 * one's, less what makes every node start do work a host running vfkeeper
 * does not (vfkeeper.service and a root shell set none of it).
 * NODE_EXTRA_CA_CERTS (set on some development machines for their proxy)
 * makes each node process read and parse a CA bundle at start: about 40 ms
 * of CPU on `node -e 0` and on `vfkeeper status` alike, which flattered the
 * status/floor ratio, and a few hundred KB in the daemon's PSS.
 * VFK_BENCH_KEEP_ENV=1 keeps the environment whole (to compare).
 */
export function benchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  if (process.env.VFK_BENCH_KEEP_ENV !== '1') delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** What benchEnv() dropped, for the header of a bench's output. */
export function printEnvNote() {
  if (process.env.NODE_EXTRA_CA_CERTS !== undefined && process.env.VFK_BENCH_KEEP_ENV !== '1')
    console.log('   (NODE_EXTRA_CA_CERTS unset for the processes measured; VFK_BENCH_KEEP_ENV=1 keeps it)');
}
