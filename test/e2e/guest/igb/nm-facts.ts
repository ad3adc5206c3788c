// What NetworkManager shows and logged about VF netdevs: an operator's check
// that it never took one (no device, no "Wired connection", no DHCP on a VF).
import { parseJournalLines } from '../lib/journal.js';
import { runChecked, runCommand } from '../lib/exec.js';
import type { NmFacts } from './facts.js';

/**
 * A VF's netdev (udev names igb's VFs enp1s0v<n>), or a connection NetworkManager
 * made up for one. The kernel's eth<n> is not matched: the PF itself is
 * eth0 for a moment after each driver reload or rescan.
 */
const VF_NETDEV = /\benp1s0v\d+\b|Wired connection/;

export async function readNmFacts(): Promise<NmFacts> {
  const devices = await runCommand(['nmcli', '-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device'], { timeoutMs: 30_000 });
  const connections = await runCommand(['nmcli', '-t', '-f', 'NAME,DEVICE', 'connection', 'show'], { timeoutMs: 30_000 });
  const { stdout } = await runChecked(['journalctl', '-b', '-o', 'json', '--no-pager', '_SYSTEMD_UNIT=NetworkManager.service'], {
    timeoutMs: 30_000,
  });
  const vfLines = parseJournalLines(stdout)
    .map((e) => e.MESSAGE ?? '')
    .filter((m) => VF_NETDEV.test(m));
  return { devices: devices.stdout + devices.stderr, connections: connections.stdout + connections.stderr, vfLines };
}
