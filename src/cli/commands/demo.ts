// `vfkeeper demo`: the whole flow on a machine with no SR-IOV hardware.
import { runDemo } from '../../demo/demo-script.js';
import type { Command } from '../command.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper demo

  Runs the real daemon against a simulated Agilio host (one PF, 56 VFs) and an
  emulated virtio-forwarder, in one process, and plays a scripted day: boot,
  a VM connecting, a PF hot-removed and rescanned, the forwarder restarting,
  a NetworkManager hook, a configuration edit and a broken one, a pause.
  Every step the daemon takes is printed as it happens.`;

export const demoCommand: Command = {
  name: 'demo',
  usage,
  async run(ctx) {
    parseCommandArgs(ctx.args, {}, usage);
    return runDemo(ctx.stdout);
  },
};
