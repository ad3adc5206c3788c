// The igb guest's first boot: vfkeeper set up as an administrator of a
// hypervisor with an SR-IOV NIC would, then enabled for the next boot:
// `make install PREFIX=/usr`, a configuration for the igb PF (vfs: max,
// mtu: 9216, relays auto on the emulated forwarder, firmware left at its
// default), the udev rules `vfkeeper udev-rules` prints, the forwarder's
// unit, and NetworkManager managing the PF (a keyfile with a static address).
// Nothing is started: the second boot is the one scenario 1 watches.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import type { Recorder } from '../lib/recorder.js';
import type { ScenarioEnv } from '../lib/scenario-env.js';
import { runSystemctl } from '../lib/systemctl.js';
import {
  CONFIG_PATH,
  FORWARDER_DIR,
  FORWARDER_ENDPOINTS,
  FORWARDER_UNIT,
  SOCKET_DIR,
  SOCKET_OWNER,
  installUdevRules,
  installVfkeeper,
} from '../lib/vfkeeper-install.js';
import { readElapsedMs } from '../lib/wait.js';
import { MTU, PF, PF_NETDEV, UNIT } from './context.js';

export const NM_CONNECTION = 'testbed-pf';
const NM_KEYFILE = `/etc/NetworkManager/system-connections/${NM_CONNECTION}.nmconnection`;
export const NETWORKD_FILE = '/etc/systemd/network/10-testbed-pf.network';

/** The PF matched by PCI address (the default) or by its interface name; vfs a count or max. */
export function formatIgbConfig(match: 'pci' | 'netdev', vfs: number | 'max' = 'max'): string {
  const by = match === 'pci' ? `pci: "${PF}"` : `netdev: ${PF_NETDEV}`;
  // By hand only (`--param firmware=any`): the suite checks the default.
  const firmware = process.env.VFKEEPER_E2E_FIRMWARE;
  return [
    '# Written by the igb end-to-end scenario: the emulated igb PF and the emulated forwarder.',
    'pfs:',
    `  - match: { ${by} }`,
    `    vfs: ${vfs}`,
    `    mtu: ${MTU}`,
    ...(firmware === undefined ? [] : [`    firmware: ${firmware}`]),
    'relays: auto',
    'forwarder:',
    `  unit: ${FORWARDER_UNIT}`,
    `  port_control: ${FORWARDER_ENDPOINTS.portControl}`,
    `  stats: ${FORWARDER_ENDPOINTS.stats}`,
    `  socket_dir: ${SOCKET_DIR}`,
    `  socket_owner: "${SOCKET_OWNER.user}:${SOCKET_OWNER.group}"`,
    '',
  ].join('\n');
}

export function writeIgbConfig(match: 'pci' | 'netdev', vfs: number | 'max' = 'max'): Promise<void> {
  return writeFile(CONFIG_PATH, formatIgbConfig(match, vfs));
}

const FORWARDER_UNIT_TEXT = `[Unit]
Description=virtio-forwarder, emulated by vfkeeper forwarder-emulator (end-to-end guest)

[Service]
Type=exec
ExecStart=/usr/bin/vfkeeper forwarder-emulator --dir ${FORWARDER_DIR}

[Install]
WantedBy=multi-user.target
`;

/** NetworkManager's profile for the PF: static, no DHCP, the MTU left to vfkeeper. */
const NM_KEYFILE_TEXT = `[connection]
id=${NM_CONNECTION}
type=ethernet
interface-name=${PF_NETDEV}
autoconnect=true

[ipv4]
method=manual
address1=10.0.2.15/24

[ipv6]
method=disabled
`;

/**
 * systemd-networkd's file for the PF (used by scenario 4): routable with a
 * static (global) address. No Gateway=: networkd 252 taking the link over
 * from NetworkManager left its gateway route requested and never
 * configured ("link_check_ready(): static routes are not configured"), so
 * the link stayed `configuring` and configured.d never ran.
 */
export const NETWORKD_TEXT = `[Match]
Name=${PF_NETDEV}

[Network]
Address=10.0.2.15/24
LinkLocalAddressing=no
IPv6AcceptRA=no
`;

export async function setUpFirstBoot(env: ScenarioEnv, rec: Recorder): Promise<void> {
  await rec.step('make install PREFIX=/usr from the staged build (no npm in the guest)', async () => {
    const start = performance.now();
    rec.fact('install', await installVfkeeper(env.projectDir));
    rec.timing('make install in the guest', readElapsedMs(start));
  });
  await rec.step(`configuration: the igb PF by PCI address, vfs: max, mtu: ${MTU}, relays auto, firmware by default`, () =>
    writeIgbConfig('pci'),
  );
  await rec.step('vfkeeper udev-rules > /etc/udev/rules.d/70-vfkeeper.rules', async () => rec.fact('udevRules', await installUdevRules()));
  await rec.step(`NetworkManager manages ${PF_NETDEV} (keyfile ${NM_CONNECTION}, static address)`, async () => {
    await mkdir('/etc/NetworkManager/system-connections', { recursive: true });
    await writeFile(NM_KEYFILE, NM_KEYFILE_TEXT, { mode: 0o600 });
    await chmod(NM_KEYFILE, 0o600);
  });
  await rec.step(`systemctl enable ${UNIT} ${FORWARDER_UNIT} NetworkManager.service`, async () => {
    await writeFile(`/etc/systemd/system/${FORWARDER_UNIT}`, FORWARDER_UNIT_TEXT);
    await runSystemctl(['daemon-reload']);
    await runSystemctl(['enable', UNIT, FORWARDER_UNIT, 'NetworkManager.service']);
  });
}
