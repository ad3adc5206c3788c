// The shell floor: what a minimal shell script does once the PF is back,
// run as a real `sh` (dash) with an argument vector, the script a constant.
// It waits for the PF's driver (nvme probes asynchronously, so the rescan
// can return first) with a builtin-only busy loop, the fastest a script can
// react; sets autoprobe 0 and the VF count; gives each VF driver_override
// vfio-pci and probes it (builtins only: no process per VF); then runs
// `udevadm settle`. It prints a mark after each phase; this process stamps
// each mark as it arrives on the pipe, so no clock process runs in the script.
// The peers (bench/peers.ts) run the same script with their own bind part in
// place of the override + probe loop.
// On a PF with a netdev (igb) the script also does what vfkeeper's run does
// there, so the ratio compares the same work: it waits until udev is done
// with the PF's interface (its udev database entry without the renaming
// mark, as vfkeeper's isUdevDone reads it: an interface set up before its
// rename keeps the kernel's name), sets it up before the count, and gives each VF a MAC
// (`ip link set PF vf N mac`, one process each, as vfkeeper runs them).
import { spawn } from 'node:child_process';
import { VfkeeperError } from '../../../../src/model/errors.js';
import type { PfKind } from './bench-pfs.js';
import { type Instant, readMsSince } from './hotplug.js';

/** The floor's bind part: each VF's override and probe, builtins only. */
export const FLOOR_BIND = `for link in "$pf"/virtfn*; do
  cd -P "$link"
  echo vfio-pci > driver_override
  echo "\${PWD##*/}" > /sys/bus/pci/drivers_probe
done`;

/**
 * A netdev PF's interface once udev is done with it (renamed), set up. The
 * wait sleeps between looks (unlike the probe's busy loop, it lasts as long
 * as udev's work, and spinning would take a vCPU from udev).
 */
const NETDEV_UP = `udev_done() {
  [ -e "$1" ] || return 1
  while read -r l; do [ "$l" != E:ID_RENAMING=1 ] || return 1; done < "$1"
}
net=
while [ -z "$net" ]; do
  for n in "$pf"/net/*; do
    if [ -r "$n/ifindex" ] && read i < "$n/ifindex" && udev_done "/run/udev/data/n$i"; then net=\${n##*/}; fi
  done
  [ -n "$net" ] || sleep 0.005
done
ip link set dev "$net" up`;

/** Each VF's MAC through the PF, locally administered and unique (the VF index, read as hex: distinct below 100). */
const NETDEV_MACS = `i=0
while [ "$i" -lt "$2" ]; do
  ip link set dev "$net" vf "$i" mac "02:00:00:00:00:$i"
  i=$((i + 1))
done`;

/**
 * The script around a bind part: $1 the PF's address, $2 the VF count, $3
 * what the bind part may need (a program's path). `$pf` is the PF's sysfs
 * directory; the VFs exist, on no driver (autoprobe off), when it runs. On
 * igb the netdev's part comes in where vfkeeper's run does it.
 */
export function formatBindScript(bind: string, kind: PfKind): string {
  const netdev = kind === 'igb';
  return `set -e
pf=/sys/bus/pci/devices/$1
while [ ! -e "$pf/driver" ]; do :; done
echo probed
${
  netdev
    ? `${NETDEV_UP}
`
    : ''
}echo 0 > "$pf/sriov_drivers_autoprobe"
echo "$2" > "$pf/sriov_numvfs"
${
  netdev
    ? `${NETDEV_MACS}
`
    : ''
}${bind}
echo written
udevadm settle -t 60
echo settled
`;
}

export const floorScript = (kind: PfKind): string => formatBindScript(FLOOR_BIND, kind);

export interface FloorRun {
  /** Rescan to the script's exit: every VF on vfio-pci, udev settled. */
  totalMs: number;
  /** Rescan to the PF's driver bound (the kernel's probe; the script only waits). */
  probeMs: number;
  /** The script's writes: autoprobe, sriov_numvfs, then its bind part (the floor's: one override + probe per VF); on igb with the netdev's part. */
  writeMs: number;
  /** `udevadm settle` after the last write. */
  settleMs: number;
}

const MARKS = ['probed', 'written', 'settled'] as const;
type Mark = (typeof MARKS)[number];

function isMark(line: string): line is Mark {
  return (MARKS as readonly string[]).includes(line);
}

/** Runs the floor script (or a peer's: `script`, `arg` its $3) for `count` VFs of `pf`, timing it from `t0` (the rescan). */
export function runShellFloor(pf: string, count: number, t0: Instant, timeoutMs: number, script: string, arg = ''): Promise<FloorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', script, 'vfkeeper-floor', pf, String(count), arg], { stdio: ['ignore', 'pipe', 'pipe'] });
    const at: Partial<Record<Mark, number>> = {};
    let pending = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const now = readMsSince(t0);
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (isMark(line)) at[line] = now;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (cause) => reject(new VfkeeperError('ERR_E2E_SPAWN', `cannot run sh: ${cause.message}`, { cause })));
    child.on('close', (status) => {
      clearTimeout(timer);
      const totalMs = readMsSince(t0);
      const { probed, written, settled } = at;
      if (status !== 0 || probed === undefined || written === undefined || settled === undefined) {
        reject(
          new VfkeeperError(
            'ERR_E2E_FLOOR',
            `the floor script exited with ${String(status)} after marks ${JSON.stringify(at)}: ${stderr.trim()}`,
          ),
        );
        return;
      }
      resolve({
        totalMs,
        probeMs: probed,
        writeMs: Math.round((written - probed) * 10) / 10,
        settleMs: Math.round((settled - written) * 10) / 10,
      });
    });
  });
}
