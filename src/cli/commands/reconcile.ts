import { reconcile } from '../../core/reconcile.js';
import type { Command } from '../command.js';
import { openRunContext } from '../compose.js';
import { formatStepLine, formatSummary, runJson } from '../format-run.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper reconcile [--dry-run] [--force] [--json]

  --dry-run   print the planned steps, each with why, and change nothing
  --force     let the workload guard tear down VFs that are in use
  --json      one JSON document: { steps: [...], converged }`;

export const reconcileCommand: Command = {
  name: 'reconcile',
  summary: 'one full reconcile (or a dry run that lists each step and why)',
  usage,
  async run(ctx) {
    const { values } = parseCommandArgs(ctx.args, { 'dry-run': { type: 'boolean' }, force: { type: 'boolean' } }, usage);
    const dryRun = values['dry-run'] === true;
    const run = await openRunContext(ctx);
    try {
      const report = await reconcile(run, {
        event: 'cli',
        dryRun,
        force: values.force === true,
        ...(ctx.globals.json ? {} : { onStep: (rec) => void ctx.stdout.write(formatStepLine(rec)) }),
      });
      ctx.stdout.write(ctx.globals.json ? `${JSON.stringify(runJson(report), null, 2)}\n` : formatSummary(report, dryRun));
      return report.exitStatus;
    } finally {
      await run.forwarder?.close();
      await run.logger.flush();
    }
  },
};
