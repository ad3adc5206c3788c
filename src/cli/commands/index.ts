// Every subcommand, in the order `vfkeeper --help` lists them, wired to the
// composition root for what they need (configuration, host, forwarder).
import { observe } from '../../core/observe.js';
import type { Command } from '../command.js';
import { openConfig, openForwarder, openHost } from '../compose.js';
import { daemonCommand } from './daemon.js';
import { demoCommand } from './demo.js';
import { hookCommand } from './hook.js';
import { pauseCommand, resumeCommand } from './pause.js';
import { createDoctorCommand } from './doctor.js';
import { createFirmwareCommand } from './firmware.js';
import { forwarderEmulatorCommand } from './forwarder-emulator.js';
import { libvirtXmlCommand } from './libvirt-xml.js';
import { reconcileCommand } from './reconcile.js';
import { simCommand } from './sim.js';
import { statusCommand } from './status.js';
import { makeUdevRulesCommand } from './udev-rules.js';

const doctorCommand = createDoctorCommand({
  loadConfig: openConfig,
  async observePfs(config, globals) {
    const host = await openHost(globals, config, process.env);
    return (await observe(host, { ...config, forwarder: { ...config.forwarder, enabled: false } }, null)).observed.pfs;
  },
  async probeForwarder(config) {
    const forwarder = await openForwarder(config);
    if (forwarder === null) throw new Error('relay management is off');
    try {
      return await forwarder.readRelays();
    } finally {
      await forwarder.close();
    }
  },
});

export const commands: Command[] = [
  daemonCommand,
  reconcileCommand,
  statusCommand,
  doctorCommand,
  createFirmwareCommand({ loadConfig: openConfig }),
  hookCommand,
  pauseCommand,
  resumeCommand,
  libvirtXmlCommand,
  makeUdevRulesCommand(openConfig),
  simCommand,
  demoCommand,
  forwarderEmulatorCommand,
];
