// Every subcommand, in the order `vfkeeper --help` lists them. Each is
// loaded only when it runs: `status` must not pay for D-Bus, inotify and
// the emulator at start-up (design.md: status --json cold in <= 120 ms).
// The commands that need the composition root (configuration, host,
// forwarder) are wired to it here.
import type { Command } from '../command.js';

export interface CommandEntry {
  name: string;
  /** One line for `vfkeeper --help`. */
  summary: string;
  load(): Promise<Command>;
}

async function wireDoctor(): Promise<Command> {
  const [{ createDoctorCommand }, { openConfig, openForwarder, openHost }, { observe }] = await Promise.all([
    import('./doctor.js'),
    import('../compose.js'),
    import('../../reconcile/observe.js'),
  ]);
  return createDoctorCommand({
    loadConfig: openConfig,
    liveOnly: true,
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
}

async function wireFirmware(): Promise<Command> {
  const [{ createFirmwareCommand }, { openConfig, openLogger }] = await Promise.all([import('./firmware.js'), import('../compose.js')]);
  // The firmware command prints each outcome itself: its entries go to the journal, not again to a terminal.
  return createFirmwareCommand({ loadConfig: openConfig, openLogger: (ctx) => openLogger(ctx, () => true) });
}

async function wireUdevRules(): Promise<Command> {
  const [{ makeUdevRulesCommand }, { openConfig }] = await Promise.all([import('./udev-rules.js'), import('../compose.js')]);
  return makeUdevRulesCommand(openConfig);
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'daemon',
    summary: 'the resident service (systemd: vfkeeper.service)',
    load: async () => (await import('./daemon.js')).daemonCommand,
  },
  {
    name: 'reconcile',
    summary: 'one full reconcile (or a dry run that lists each step and why)',
    load: async () => (await import('./reconcile.js')).reconcileCommand,
  },
  {
    name: 'status',
    summary: 'PFs, VFs, drivers, MACs and relays: the whole chain',
    load: async () => (await import('./status.js')).statusCommand,
  },
  {
    name: 'doctor',
    summary: 'check every prerequisite (IOMMU, hugepages, vfio-pci, firmware, forwarder...) and say how to fix it',
    load: wireDoctor,
  },
  {
    name: 'firmware',
    summary: 'check the firmware links point at the SR-IOV flavour; --fix re-points them, --initramfs rebuilds the initramfs',
    load: wireFirmware,
  },
  {
    name: 'hook',
    summary: 'NetworkManager / networkd-dispatcher entry: an interface came up',
    load: async () => (await import('./hook.js')).hookCommand,
  },
  { name: 'pause', summary: 'maintenance switch: log events, change nothing', load: async () => (await import('./pause.js')).pauseCommand },
  { name: 'resume', summary: 'end a pause', load: async () => (await import('./pause.js')).resumeCommand },
  {
    name: 'libvirt-xml',
    summary: "the VM's <interface type='vhostuser'> for a relay, with its VF's MAC",
    load: async () => (await import('./libvirt-xml.js')).libvirtXmlCommand,
  },
  {
    name: 'check-config',
    summary: 'check configuration files (YAML, keys, values) without touching the host',
    load: async () => (await import('./check-config.js')).checkConfigCommand,
  },
  { name: 'udev-rules', summary: 'print the udev rules for the current configuration', load: wireUdevRules },
  {
    name: 'sim',
    summary: 'make and change a simulated host (init, open-vfio, close-vfio, remove, rescan)',
    load: async () => (await import('./sim.js')).simCommand,
  },
  {
    name: 'demo',
    summary: 'the whole flow on a simulated host and an emulated forwarder, in one process',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    name: 'forwarder-emulator',
    summary: 'run an emulated virtio-forwarder (ZeroMQ endpoints and vhost-user sockets in a directory)',
    load: async () => (await import('./forwarder-emulator.js')).forwarderEmulatorCommand,
  },
];
