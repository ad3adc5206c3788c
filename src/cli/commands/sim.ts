// `vfkeeper sim ...`: make and poke a simulated host state file.
import { createSimState } from '../../host/sim/state.js';
import { createSimHost, loadSimState, saveSimState } from '../../host/sim/sim-host.js';
import { pciAttr } from '../../host/sysfs-paths.js';
import { isPciAddress } from '../../model/pci.js';
import { SIM_VERBS, applySimVerb, type SimVerb } from '../../host/sim/sim-verbs.js';
import { askDaemon } from '../daemon-client.js';
import type { Command, CommandContext } from '../command.js';
import { parseCommandArgs } from '../parse-options.js';
import { parseWholeNumber } from '../parse-number.js';
import { UsageError } from '../usage-error.js';

const usage = `Usage: vfkeeper sim init [--pfs N] [--vfs M] [--numvfs K] [--firmware VERSION] [--driver nfp|igb]
       vfkeeper sim open-vfio PCI | close-vfio PCI | remove PCI | rescan   (with --simulate STATE.json)

  init       print a new simulated host: N Netronome PFs (0000:02:00.0, 0000:03:00.0, ...),
             M total VFs each (default 56), K created on the NIC's VF driver (default 0),
             firmware VERSION (default sriov-2.1.14); --driver igb: Intel 82576 PFs instead
             (igb/igbvf, at most 7 VFs, no firmware version: use \`firmware: any\`; its driver
             refuses VF link state and RSS query, as the real one does)
  open-vfio  a process (a VM) opens that VF's /dev/vfio group; close-vfio closes it
  remove     hot-remove a device (its VFs go with it); rescan brings removed devices back`;

function count(value: string | undefined, name: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  return parseWholeNumber(value, name, { min: 0, max }, usage);
}

async function init(ctx: CommandContext): Promise<number> {
  const opts = {
    pfs: { type: 'string' },
    vfs: { type: 'string' },
    numvfs: { type: 'string' },
    firmware: { type: 'string' },
    driver: { type: 'string' },
  } as const;
  const { values } = parseCommandArgs(ctx.args.slice(1), opts, usage);
  const driver = values.driver ?? 'nfp';
  if (driver !== 'nfp' && driver !== 'igb') throw new UsageError(`--driver must be nfp or igb, got "${driver}"`, usage);
  const totalVfs = count(values.vfs, 'vfs', 56, 255);
  const numVfs = count(values.numvfs, 'numvfs', 0, totalVfs);
  const state = createSimState({
    pfs: count(values.pfs, 'pfs', 1, 32),
    totalVfs,
    numVfs: 0,
    firmware: values.firmware ?? 'sriov-2.1.14',
    driver,
  });
  const host = createSimHost(state);
  for (const pf of state.pfs) if (numVfs > 0 && pf.totalVfs > 0) await host.sysfs.write(pciAttr(pf.pci, 'sriov_numvfs'), `${numVfs}\n`);
  state.events = [];
  state.writes = [];
  ctx.stdout.write(`${JSON.stringify(state, null, 1)}\n`);
  return 0;
}

async function poke(ctx: CommandContext, verb: SimVerb): Promise<number> {
  const file = ctx.globals.simulate;
  if (file === undefined) throw new UsageError(`sim ${verb} needs --simulate STATE.json`, usage);
  const { positionals } = parseCommandArgs(ctx.args.slice(1), {}, usage, verb === 'rescan' ? 0 : 1);
  const pci = positionals[0];
  if (verb !== 'rescan' && (pci === undefined || !isPciAddress(pci)))
    throw new UsageError(`sim ${verb}: "${pci ?? ''}" is not a PCI address (like 0000:02:08.1)`, usage);
  // A daemon running against this host owns it: ask it, so nothing is lost between two writers.
  if ((await askDaemon(ctx.globals, { request: 'sim', verb, ...(pci === undefined ? {} : { pci }) })) !== undefined) return 0;
  const host = createSimHost(await loadSimState(file), { file });
  await applySimVerb(host, verb, pci);
  await saveSimState(file, host.kernel.state);
  return 0;
}

export const simCommand: Command = {
  name: 'sim',
  usage,
  async run(ctx) {
    const verb = ctx.args[0];
    if (verb === 'init') return init(ctx);
    if (SIM_VERBS.includes(verb as SimVerb)) return poke(ctx, verb as SimVerb);
    throw new UsageError(verb === undefined ? 'sim needs a subcommand' : `unknown sim subcommand "${verb}"`, usage);
  },
};
