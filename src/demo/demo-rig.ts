// The demo's stage: a simulated Agilio host (one PF, 56 VFs, 0 created), the
// emulated forwarder on real ZeroMQ sockets, a firmware tree whose links a
// linux-firmware update has just pointed back at nic/, a configuration file,
// and the real daemon (control socket, file watches, simulated udev) over them.
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { ControlServer } from '../control/server.js';
import { Daemon } from '../daemon/daemon.js';
import { createHandlers } from '../daemon/handlers.js';
import { startSources, type Sources } from '../daemon/sources.js';
import { ForwarderEmulator } from '../dataplane/emulator/emulator.js';
import { createZmqForwarder } from '../dataplane/zmq-forwarder.js';
import { withWriteDeadline } from '../host/deadline-sysfs.js';
import { createSimHost, type SimHost } from '../host/sim/sim-host.js';
import { createSimState } from '../host/sim/state.js';
import type { DemoLogger } from './demo-logger.js';

const BOARDS = ['nic_AMDA0096-0001_2x10.nffw', 'nic_AMDA0097-0001_2x40.nffw'];

export interface DemoRig {
  dir: string;
  configFile: string;
  host: SimHost;
  fw: ForwarderEmulator;
  daemon: Daemon;
  socket: string;
  close(): Promise<void>;
}

export function demoConfig(dir: string, fw: ForwarderEmulator, extra = ''): string {
  return [
    '# The demo: the built-in default (every Netronome PF, all VFs on vfio-pci, relays auto),',
    '# pointed at the emulated forwarder and a firmware tree of its own.',
    'forwarder:',
    `  port_control: ${fw.endpoints.portControl}`,
    `  stats: ${fw.endpoints.stats}`,
    `  socket_dir: ${fw.socketDir}`,
    '  socket_owner: "nobody:nogroup"',
    `firmware: { dir: ${join(dir, 'firmware')}, flavour: nic-sriov, guard: fix }`,
    `daemon: { metrics_file: ${join(dir, 'vfkeeper.prom')} }`,
    extra,
  ].join('\n');
}

async function writeFirmwareTree(dir: string): Promise<void> {
  for (const flavour of ['nic', 'nic-sriov']) {
    await mkdir(join(dir, flavour), { recursive: true });
    for (const b of BOARDS) await writeFile(join(dir, flavour, b), `${flavour}\n`);
  }
  for (const b of BOARDS) await symlink(`nic/${b}`, join(dir, b));
}

export async function setUpDemo(logger: DemoLogger): Promise<DemoRig> {
  const dir = await mkdtemp(join(tmpdir(), 'vfkeeper-demo-'));
  await writeFirmwareTree(join(dir, 'firmware'));
  const fw = new ForwarderEmulator({ dir: join(dir, 'fw') });
  await fw.start();
  const configFile = join(dir, 'etc', 'vfkeeper.yaml');
  await mkdir(join(dir, 'etc'));
  await writeFile(configFile, demoConfig(dir, fw));
  const config = await loadConfig(configFile);
  const host = createSimHost(createSimState({ pfs: 1, totalVfs: 56, numVfs: 0, firmware: 'sriov-2.1.14' }));
  const sim: SimHost = { ...host, sysfs: withWriteDeadline(host.sysfs, 10_000) };
  const forwarder = createZmqForwarder(config.forwarder);
  const pauseFile = join(dir, 'state', 'pause.json');
  const daemon = new Daemon({
    config,
    loadConfig: () => loadConfig(configFile),
    host: sim,
    forwarder,
    logger,
    pauseFile,
    notifyReady: () => undefined,
  });
  const socket = join(dir, 'control.sock');
  const control = new ControlServer({
    path: socket,
    handlers: createHandlers({ daemon, host: sim, logger, pauseFile }),
    logger,
  });
  await control.start();
  const sources: Sources = await startSources({
    host: sim,
    config,
    configPath: configFile,
    logger,
    emit: (e) => daemon.onEvent(e),
    env: {},
    unitWatch: false,
  });
  return {
    dir,
    configFile,
    host: sim,
    fw,
    daemon,
    socket,
    async close() {
      await sources.stop();
      await daemon.stop();
      await control.stop();
      await fw.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
