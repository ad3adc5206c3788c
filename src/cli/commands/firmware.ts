// `vfkeeper firmware [--fix] [--root DIR] [--json]`: the firmware guard by
// hand. Reports the links of the firmware directory that point at another
// flavour than the configured one; with --fix re-points each (atomically).
// It never reloads the driver: the next reload or reboot loads the fixed
// firmware. With --fix --initramfs it then rebuilds the running kernel's
// initramfs (firmware-initramfs.ts). Exit 1 while a fixable link is still
// wrong, a fix failed, or the initramfs could not be rebuilt.
import type { Command, CommandContext, GlobalOptions } from '../command.js';
import type { Config } from '../../model/config.js';
import { asVfkeeperError } from '../../model/errors.js';
import { planFirmwareLinks, type FirmwareLinkVerdict, type FirmwarePlan } from '../../plan/plan-firmware.js';
import { applyFirmwareLink, readFirmwareTree } from '../../host/firmware-links.js';
import { formatFirmwareHuman, formatFirmwareJson, type LinkOutcome } from './format-firmware.js';
import { findRootProblem, loadCommandConfig, parseRootArgs, reportUsageError } from './root-args.js';
import {
  applyInitramfsStep,
  formatInitramfsHuman,
  planInitramfsStep,
  type InitramfsOutcome,
  type InitramfsStep,
} from './firmware-initramfs.js';
import { createLogger } from '../../journal/create-logger.js';
import type { ClosableLogger } from '../../journal/types.js';

export interface FirmwareCommandDeps {
  /** The validated configuration (--config); default: built-in defaults. */
  loadConfig?: (globals: GlobalOptions) => Promise<Config>;
  /** --initramfs: the program to run instead of update-initramfs (default: VFKEEPER_UPDATE_INITRAMFS, else update-initramfs). */
  updateInitramfs?: string;
  /** --initramfs: whose initramfs (default: uname -r). */
  kernelRelease?: string;
  /** Where the step's entry goes (default: the journal, else stderr; the command prints it itself on a terminal). */
  openLogger?: (ctx: CommandContext) => Promise<ClosableLogger>;
}

const USAGE = `Usage: vfkeeper firmware [--fix [--initramfs]] [--root DIR] [--json]

  Lists the links in the firmware directory (firmware.dir, /lib/firmware/netronome)
  that point at another flavour than firmware.flavour (nic-sriov).

  --fix        re-point each to <flavour>/<same name> when that file exists
               (the driver is not reloaded: modprobe -r nfp && modprobe nfp,
               when no VF is in use, or the next reboot, loads the firmware)
  --initramfs  with --fix: then rebuild the running kernel's initramfs
               (update-initramfs -u -k $(uname -r)), so that a driver in it loads
               the firmware the links name at the next boot; not with --root or
               --simulate unless VFKEEPER_UPDATE_INITRAMFS names the program
  --root DIR   the firmware directory is read under DIR
  --json       one JSON document`;

export function createFirmwareCommand(deps: FirmwareCommandDeps = {}): Command {
  return {
    name: 'firmware',
    usage: USAGE,
    run: (ctx) => runFirmwareCommand(ctx, deps),
  };
}

export const firmwareCommand: Command = createFirmwareCommand();

async function runFirmwareCommand(ctx: CommandContext, deps: FirmwareCommandDeps): Promise<number> {
  const args = parseRootArgs(ctx.args, ['--fix', '--initramfs']);
  if (!args.ok) return reportUsageError(ctx, args.error, USAGE);
  const rootProblem = await findRootProblem(args.root);
  if (rootProblem !== null) return reportUsageError(ctx, rootProblem, USAGE);
  const initramfs = args.flags.has('--initramfs') ? planInitramfs(ctx, args.root, args.flags.has('--fix'), deps) : null;
  if (typeof initramfs === 'string') return reportUsageError(ctx, initramfs, USAGE);
  const config = await loadCommandConfig(ctx, deps.loadConfig);
  if (typeof config === 'number') return config;
  const { dir, flavour } = config.firmware;
  let plan: FirmwarePlan;
  try {
    plan = planFirmwareLinks(await readFirmwareTree(dir, flavour, args.root), flavour);
  } catch (e) {
    const err = asVfkeeperError(e);
    ctx.stderr.write(`vfkeeper: ${err.message}\n${err.hint === undefined ? '' : `hint: ${err.hint}\n`}`);
    return 1;
  }
  const fix = args.flags.has('--fix');
  const outcomes: LinkOutcome[] = [];
  for (const verdict of plan.verdicts) outcomes.push(await settleLink(verdict, plan, fix, args.root));
  const stillWrong = outcomes.some((o) => o.result === 'wrong' || o.result === 'failed');
  const refreshed = initramfs === null ? null : await refresh(ctx, deps, initramfs, linksNotRight(plan, stillWrong));
  const json = ctx.globals.json || args.json;
  ctx.stdout.write(
    json
      ? formatFirmwareJson(plan, outcomes, refreshed)
      : formatFirmwareHuman(plan, outcomes, fix) + (refreshed === null ? '' : formatInitramfsHuman(refreshed)),
  );
  return stillWrong || !plan.flavourPresent || (refreshed !== null && refreshed.result !== 'ok') ? 1 : 0;
}

/** The step, or the usage error: --initramfs needs --fix, and a named program away from the live host. */
function planInitramfs(ctx: CommandContext, root: string, fix: boolean, deps: FirmwareCommandDeps): InitramfsStep | string {
  if (!fix) return '--initramfs only goes with --fix';
  const liveHost = root === '/' && ctx.globals.simulate === undefined && ctx.globals.sysfsRoot === undefined;
  const step = planInitramfsStep({ liveHost, root }, ctx.env, {
    ...(deps.updateInitramfs === undefined ? {} : { program: deps.updateInitramfs }),
    ...(deps.kernelRelease === undefined ? {} : { kernelRelease: deps.kernelRelease }),
  });
  return 'refused' in step ? step.refused : step;
}

/** Why the initramfs must not be rebuilt yet (it would take the wrong firmware in), or null. */
function linksNotRight(plan: FirmwarePlan, stillWrong: boolean): string | null {
  if (!plan.flavourPresent) return `${plan.dir}/${plan.flavour}/ is missing: the initramfs would take the wrong firmware in`;
  return stillWrong ? 'a link is still wrong: the initramfs would take the wrong firmware in' : null;
}

async function refresh(
  ctx: CommandContext,
  deps: FirmwareCommandDeps,
  step: InitramfsStep,
  notRight: string | null,
): Promise<InitramfsOutcome> {
  const open = deps.openLogger ?? ((c: CommandContext) => createLogger({ stream: c.stderr, env: c.env, omitOnTerminal: () => true }));
  const logger = await open(ctx);
  try {
    return await applyInitramfsStep(step, notRight, logger);
  } finally {
    await logger.close();
  }
}

async function settleLink(verdict: FirmwareLinkVerdict, plan: FirmwarePlan, fix: boolean, root: string): Promise<LinkOutcome> {
  if (verdict.kind !== 'repoint') return { verdict, result: verdict.kind === 'ok' ? 'ok' : 'kept' };
  if (!fix) return { verdict, result: 'wrong' };
  try {
    await applyFirmwareLink(plan.dir, verdict.link.name, verdict.want, root);
    return { verdict, result: 'fixed' };
  } catch (e) {
    const err = asVfkeeperError(e);
    return { verdict, result: 'failed', error: `${err.message}${err.hint === undefined ? '' : ` (${err.hint})`}` };
  }
}
