import { reconcile } from '../../reconcile/run.js';
import type { Command, CommandContext } from '../command.js';
import { askDaemon } from '../daemon-client.js';
import { withRunLock } from '../run-lock.js';
import { hostStateFor } from '../host-state.js';
import { isRunEntry, openRunContext } from '../compose.js';
import { formatRefusal, formatStepLine, formatSummary, runJson, type RunJson } from '../../report/format-run.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper reconcile [--dry-run] [--force] [--json]

  --dry-run   print the planned steps, each with why, and change nothing
  --force     let the workload guard tear down VFs that are in use
  --json      one JSON document: { steps: [...], converged }`;

export const reconcileCommand: Command = {
  name: 'reconcile',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.args, { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } }, usage);
    const dryRun = values['dry-run'] === true;
    const force = values.force === true;
    const served = (await askDaemon(ctx.globals, { request: 'reconcile', dryRun, force })) as
      (RunJson & { exit_status?: number }) | undefined;
    if (served !== undefined) return printServed(ctx, served, dryRun);
    return withRunLock(hostStateFor(ctx.globals, ctx.env).lockFile, () => runAlone(ctx, dryRun, force));
  },
};

/** The daemon ran it (no race with it): print its report. */
function printServed(ctx: CommandContext, served: RunJson & { exit_status?: number }, dryRun: boolean): number {
  if (ctx.globals.json) ctx.stdout.write(`${JSON.stringify(served, null, 2)}\n`);
  else {
    for (const s of served.steps) ctx.stdout.write(`  ${s.result.padEnd(7)}${s.message}\n`);
    // What the guard refused, and why: the exit status alone (3) does not say.
    for (const r of served.refusals) ctx.stdout.write(formatRefusal(r));
    for (const u of served.unreadable) ctx.stdout.write(`  FAIL   could not read ${u.pci}: ${u.error}\n`);
    ctx.stdout.write(
      dryRun
        ? `${served.steps.length} steps planned by the daemon; nothing was changed.\n`
        : `Done by the daemon; ${served.converged ? 'converged' : 'not converged'}.\n`,
    );
  }
  return served.exit_status ?? (served.converged || dryRun ? 0 : 1);
}

async function runAlone(ctx: CommandContext, dryRun: boolean, force: boolean): Promise<number> {
  // The run's own lines are printed here; on a terminal the log need not repeat them.
  const run = await openRunContext(ctx, { logs: true, omitOnTerminal: isRunEntry });
  try {
    const report = await reconcile(run, {
      event: 'cli',
      dryRun,
      force,
      ...(ctx.globals.json ? {} : { onStep: (rec) => void ctx.stdout.write(formatStepLine(rec)) }),
    });
    ctx.stdout.write(ctx.globals.json ? `${JSON.stringify(runJson(report, run.config), null, 2)}\n` : formatSummary(report, dryRun));
    return report.exitStatus;
  } finally {
    await run.close();
  }
}
