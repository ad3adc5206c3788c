// `vfkeeper firmware [--fix] [--root DIR] [--json]`: the firmware guard by
// hand. Reports the links of the firmware directory that point at another
// flavour than the configured one; with --fix re-points each (atomically).
// It never reloads the driver: the next reload or reboot loads the fixed
// firmware. Exit 1 while a fixable link is still wrong or a fix failed.
import type { Command, CommandContext, GlobalOptions } from '../command.js';
import type { Config } from '../../model/config.js';
import { asVfkeeperError } from '../../model/errors.js';
import { planFirmwareLinks, type FirmwareLinkVerdict, type FirmwarePlan } from '../../plan/plan-firmware.js';
import { applyFirmwareLink, readFirmwareTree } from '../../host/firmware-links.js';
import { formatFirmwareHuman, formatFirmwareJson, type LinkOutcome } from './format-firmware.js';
import { loadCommandConfig, parseRootArgs, reportUsageError } from './root-args.js';

export interface FirmwareCommandDeps {
  /** The validated configuration (--config); default: built-in defaults. */
  loadConfig?: (globals: GlobalOptions) => Promise<Config>;
}

const USAGE = `Usage: vfkeeper firmware [--fix] [--root DIR] [--json]

  Lists the links in the firmware directory (firmware.dir, /lib/firmware/netronome)
  that point at another flavour than firmware.flavour (nic-sriov).

  --fix        re-point each to <flavour>/<same name> when that file exists
               (the driver is not reloaded: modprobe -r nfp && modprobe nfp,
               when no VF is in use, or the next reboot, loads the firmware)
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
  const args = parseRootArgs(ctx.args, ['--fix']);
  if (!args.ok) return reportUsageError(ctx, args.error, USAGE);
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
  const json = ctx.globals.json || args.json;
  ctx.stdout.write(json ? formatFirmwareJson(plan, outcomes) : formatFirmwareHuman(plan, outcomes, fix));
  const stillWrong = outcomes.some((o) => o.result === 'wrong' || o.result === 'failed');
  return stillWrong || !plan.flavourPresent ? 1 : 0;
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
