// `vfkeeper doctor [--root DIR] [--json]`: every prerequisite of the guide,
// PASS / WARN / FAIL / SKIP with the evidence and the fix. Exit 1 when a
// check fails, 2 on bad usage or configuration, else 0.
//
// The composition root hands in what is not in this file yet: the
// configuration loader, PF observation and the forwarder probe (see
// DoctorCommandDeps); without them doctor uses the built-in defaults and
// reports the checks that need them as skipped.
import type { Command, CommandContext, GlobalOptions } from '../command.js';
import type { Config } from '../../model/config.js';
import type { ObservedPf } from '../../model/observed.js';
import type { FileOwner } from '../../host/types.js';
import { formatDoctorHuman, formatDoctorJson, isColourWanted } from '../../doctor/format-report.js';
import { doctorExitStatus, runDoctor } from '../../doctor/run-doctor.js';
import type { DoctorInputs } from '../../doctor/types.js';
import { findRootProblem, loadCommandConfig, parseRootArgs, reportUsageError } from './root-args.js';

export interface DoctorCommandDeps {
  /** The validated configuration (--config); default: built-in defaults. Throws VfkeeperError (exit 2). */
  loadConfig?: (globals: GlobalOptions) => Promise<Config>;
  /** The managed PFs with their firmware version; default: none (the firmware check skips). */
  observePfs?: (config: Config, globals: GlobalOptions) => Promise<ObservedPf[]>;
  /** Resolves when the port control endpoint answers; default: none (that part of forwarder-ipc skips). */
  probeForwarder?: (config: Config) => Promise<unknown>;
  /** observePfs and probeForwarder ask this machine: under another --root they are not used (two machines would mix). */
  liveOnly?: boolean;
  /** "user:group" -> ids on the live host; default: <root>/etc/passwd and <root>/etc/group. */
  resolveOwner?: (spec: string) => Promise<FileOwner>;
  /** Overrides for the live-host probes (tests). */
  readUnitActiveState?: (unit: string) => Promise<string>;
  readKernelLog?: () => Promise<string>;
  kernelRelease?: string;
}

const USAGE = `Usage: vfkeeper doctor [--root DIR] [--json]

  Checks every prerequisite of the SR-IOV + virtio-forwarder setup and prints
  the fix for each one that is not right. Exit status 1 when a check fails.

  --root DIR   read the host's files (/proc, /etc, /sys/kernel, /lib, /boot, /dev, /var/log) under DIR
  --json       { "checks": [ { id, status, evidence, fix } ] }`;

export function createDoctorCommand(deps: DoctorCommandDeps = {}): Command {
  return {
    name: 'doctor',
    usage: USAGE,
    run: (ctx) => runDoctorCommand(ctx, deps),
  };
}

export const doctorCommand: Command = createDoctorCommand();

async function runDoctorCommand(ctx: CommandContext, deps: DoctorCommandDeps): Promise<number> {
  const args = parseRootArgs(ctx.args, []);
  if (!args.ok) return reportUsageError(ctx, args.error, USAGE);
  const rootProblem = await findRootProblem(args.root);
  if (rootProblem !== null) return reportUsageError(ctx, rootProblem, USAGE);
  const config = await loadCommandConfig(ctx, deps.loadConfig);
  if (typeof config === 'number') return config;
  // This machine's PFs and forwarder do not belong in a report on the files under another root.
  const mixes = deps.liveOnly === true && args.root !== '/';
  const observePfs = mixes ? undefined : deps.observePfs;
  const probeForwarder = mixes ? undefined : deps.probeForwarder;
  const inputs: DoctorInputs = {
    root: args.root,
    config,
    ...(observePfs && { pfs: () => observePfs(config, ctx.globals) }),
    ...(probeForwarder && { probeForwarder: () => probeForwarder(config) }),
    ...(deps.resolveOwner && { resolveOwner: deps.resolveOwner }),
    ...(deps.readUnitActiveState && { readUnitActiveState: deps.readUnitActiveState }),
    ...(deps.readKernelLog && { readKernelLog: deps.readKernelLog }),
    ...(deps.kernelRelease !== undefined && { kernelRelease: deps.kernelRelease }),
  };
  const report = await runDoctor(inputs);
  const json = ctx.globals.json || args.json;
  ctx.stdout.write(json ? formatDoctorJson(report) : formatDoctorHuman(report, { colour: isColourWanted(ctx.stdout, ctx.env) }));
  return doctorExitStatus(report);
}
