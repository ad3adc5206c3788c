// `vfkeeper demo`: the whole flow on a machine with no SR-IOV hardware: the
// real core against a simulated Agilio-like host (one PF, 56 VFs, SR-IOV
// firmware), printing each step as it happens and the final status.
import { reconcile } from '../../core/reconcile.js';
import { observe } from '../../core/observe.js';
import { buildStatus } from '../../core/status.js';
import { createSimHost } from '../../host/sim/sim-host.js';
import { createSimState } from '../../host/sim/state.js';
import { withWriteDeadline } from '../../host/deadline-sysfs.js';
import { defaultConfig } from '../../model/config.js';
import type { Command } from '../command.js';
import { formatStatus } from '../format-status.js';
import { formatStepLine, formatSummary } from '../format-run.js';
import { parseCommandArgs } from '../parse-options.js';
import type { Logger } from '../../journal/types.js';

const usage = `Usage: vfkeeper demo

  Runs the real reconciler against a simulated Agilio host (one PF, 56 VFs)
  and prints each step as it happens, then the status of every VF.`;

const quietLogger: Logger = { log: () => undefined, flush: async () => undefined };

export const demoCommand: Command = {
  name: 'demo',
  summary: 'the whole flow on a simulated host, in one process',
  usage,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, usage);
    const out = (s: string) => void ctx.stdout.write(s);
    const sim = createSimHost(createSimState({ pfs: 1, totalVfs: 56, numVfs: 0, firmware: 'sriov-2.1.14' }));
    const host = { ...sim, sysfs: withWriteDeadline(sim.sysfs, 10_000) };
    const config = defaultConfig();
    config.forwarder.enabled = false;
    out('== A freshly booted Agilio host: PF 0000:02:00.0 (enp2s0np0), firmware sriov-2.1.14, 0 of 56 VFs\n');
    const report = await reconcile({ host, forwarder: null, config, logger: quietLogger }, { event: 'start', onStep: (r) => out(formatStepLine(r)) });
    out(formatSummary(report, false));
    out('\n== Status\n');
    const { observed } = await observe(host, config, null);
    out(formatStatus(buildStatus(config, observed, { paused: false, reason: null })));
    return report.exitStatus;
  },
};
