// Sets vfkeeper up in the guest as an administrator would: the project's own
// `make install PREFIX=/usr` (from what the host staged: the guest has no
// npm), a configuration that manages the emulated NVMe PF, the udev rules
// `vfkeeper udev-rules` prints for it, and the emulated forwarder running as
// virtio-forwarder.service. vfkeeper itself is not started here.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { runChecked, runCommand } from './exec.js';
import { isPresent } from './sysfs.js';
import { runSystemctl } from './systemctl.js';
import { waitFor } from './wait.js';

export const CONFIG_PATH = '/etc/vfkeeper/vfkeeper.yaml';
export const FORWARDER_UNIT = 'virtio-forwarder.service';
/** Under /tmp, where the forwarder keeps its vhost-user sockets and the shipped unit may chown. */
export const FORWARDER_DIR = '/tmp/virtio-forwarder';
export const SOCKET_DIR = join(FORWARDER_DIR, 'sockets');
export const SOCKET_OWNER = { user: 'nobody', group: 'nogroup' } as const;
/** The emulator's relays 0..59, each with its socket, made at start. */
export const EMULATOR_SOCKETS = 60;
const RULES_PATH = '/etc/udev/rules.d/70-vfkeeper.rules';

export const FORWARDER_ENDPOINTS = {
  portControl: `ipc://${FORWARDER_DIR}/port_control`,
  stats: `ipc://${FORWARDER_DIR}/stats`,
  timeoutMs: 2000,
};

/**
 * The configuration of issue 8: the NVMe PF (1b36:0010), all or `vfs` VFs,
 * relays auto. `relays: false` turns relay management off
 * (forwarder.enabled: false), for what only binds VFs (the floor bench).
 */
export function formatConfig(vfs: number | 'max', relays = true): string {
  const pf = ['pfs:', '  - match: { id: "1b36:0010" }', `    vfs: ${vfs}`, '    firmware: any'];
  const forwarder = relays
    ? [
        'relays: auto',
        'forwarder:',
        `  unit: ${FORWARDER_UNIT}`,
        `  port_control: ${FORWARDER_ENDPOINTS.portControl}`,
        `  stats: ${FORWARDER_ENDPOINTS.stats}`,
        `  socket_dir: ${SOCKET_DIR}`,
        `  socket_owner: "${SOCKET_OWNER.user}:${SOCKET_OWNER.group}"`,
      ]
    : ['forwarder:', '  enabled: false'];
  return ['# Written by the end-to-end scenario: the emulated NVMe PF and the emulated forwarder.', ...pf, ...forwarder, ''].join('\n');
}

/** The installed CLI's emulator; a scenario that removes the package runs the project's own. */
const INSTALLED_EMULATOR = `/usr/bin/vfkeeper forwarder-emulator --dir ${FORWARDER_DIR}`;

const formatForwarderUnit = (execStart: string): string => `[Unit]
Description=virtio-forwarder, emulated by vfkeeper forwarder-emulator (end-to-end guest)

[Service]
Type=exec
ExecStart=${execStart}
`;

/** `make install PREFIX=/usr` from the shared project; refuses if the host did not stage it. */
export async function installVfkeeper(projectDir: string): Promise<string> {
  const staged = await runCommand(['make', '-C', projectDir, '-q', 'stage'], { timeoutMs: 120_000 });
  if (staged.status !== 0) {
    throw new VfkeeperError('ERR_E2E_NOT_STAGED', `make -q stage says the staged vfkeeper in ${projectDir} is missing or stale`, {
      hint: 'run `make stage` on the host before booting (make e2e does); the guest has no npm',
    });
  }
  // 55 MB over 9p under TCG: 2 minutes on a busy 2-core host, over 5 on a very busy one.
  const r = await runChecked(['make', '-C', projectDir, '--no-print-directory', 'install', 'PREFIX=/usr'], { timeoutMs: 900_000 });
  return r.stdout + r.stderr;
}

export async function writeConfig(vfs: number | 'max', relays = true): Promise<void> {
  await writeFile(CONFIG_PATH, formatConfig(vfs, relays));
}

/** The rules for this configuration, where the administrator's own rules go. */
export async function installUdevRules(): Promise<string> {
  const { stdout } = await runChecked(['vfkeeper', 'udev-rules'], { timeoutMs: 120_000 });
  await writeFile(RULES_PATH, stdout);
  await runChecked(['udevadm', 'control', '--reload'], { timeoutMs: 30_000 });
  return stdout;
}

/** Starts virtio-forwarder.service and waits until its endpoints and sockets exist. */
export async function startForwarder(timeoutMs: number, execStart = INSTALLED_EMULATOR): Promise<void> {
  await writeFile(`/etc/systemd/system/${FORWARDER_UNIT}`, formatForwarderUnit(execStart));
  await runSystemctl(['daemon-reload']);
  await runSystemctl(['start', FORWARDER_UNIT]);
  await waitForForwarderFiles(timeoutMs);
}

/** The emulator makes its sockets first, then binds port_control and stats. */
export function waitForForwarderFiles(timeoutMs: number): Promise<true> {
  return waitFor(
    async () => {
      if (!(await isPresent(join(FORWARDER_DIR, 'stats'))) || !(await isPresent(join(FORWARDER_DIR, 'port_control')))) return undefined;
      const sockets = await readdir(SOCKET_DIR).catch(() => []);
      return sockets.length === EMULATOR_SOCKETS ? true : undefined;
    },
    { what: `the emulated forwarder's endpoints and ${EMULATOR_SOCKETS} sockets in ${FORWARDER_DIR}`, timeoutMs, intervalMs: 250 },
  );
}
