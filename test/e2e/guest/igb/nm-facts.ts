// What NetworkManager shows and logged about VF netdevs: an operator's check
// that it never took one (no device, no "Wired connection", no DHCP on a VF).
import { parseJournalLines } from '../lib/journal.js';
import { runChecked, runCommand } from '../lib/exec.js';
import type { NmFacts } from './facts.js';

/** A VF's netdev under udev's name (enp1s0v3) or the kernel's before the rename (eth1). */
const VF_NETDEV = /\b(enp1s0v\d+|eth\d+)\b/;

export async function readNmFacts(): Promise<NmFacts> {
  const devices = await runCommand(['nmcli', '-t', '-f', 'DEVICE,TYPE,STATE,CONNECTION', 'device'], { timeoutMs: 30_000 });
  const connections = await runCommand(['nmcli', '-t', '-f', 'NAME,DEVICE', 'connection', 'show'], { timeoutMs: 30_000 });
  const { stdout } = await runChecked(['journalctl', '-b', '-o', 'json', '--no-pager', '_SYSTEMD_UNIT=NetworkManager.service'], { timeoutMs: 30_000 });
  const vfLines = parseJournalLines(stdout).map((e) => e.MESSAGE ?? '').filter((m) => VF_NETDEV.test(m));
  return { devices: devices.stdout + devices.stderr, connections: connections.stdout + connections.stderr, vfLines };
}
