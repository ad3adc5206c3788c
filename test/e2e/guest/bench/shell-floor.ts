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
import { spawn } from 'node:child_process';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { type Instant, readMsSince } from './hotplug.js';

/** The floor's bind part: each VF's override and probe, builtins only. */
export const FLOOR_BIND = `for link in "$pf"/virtfn*; do
  cd -P "$link"
  echo vfio-pci > driver_override
  echo "\${PWD##*/}" > /sys/bus/pci/drivers_probe
done`;

/**
 * The script around a bind part: $1 the PF's address, $2 the VF count, $3
 * what the bind part may need (a program's path). `$pf` is the PF's sysfs
 * directory; the VFs exist, on no driver (autoprobe off), when it runs.
 */
export function formatBindScript(bind: string): string {
  return `set -e
pf=/sys/bus/pci/devices/$1
while [ ! -e "$pf/driver" ]; do :; done
echo probed
echo 0 > "$pf/sriov_drivers_autoprobe"
echo "$2" > "$pf/sriov_numvfs"
${bind}
echo written
udevadm settle -t 60
echo settled
`;
}

export const FLOOR_SCRIPT = formatBindScript(FLOOR_BIND);

export interface FloorRun {
  /** Rescan to the script's exit: every VF on vfio-pci, udev settled. */
  totalMs: number;
  /** Rescan to the PF's driver bound (the kernel's probe; the script only waits). */
  probeMs: number;
  /** The script's writes: autoprobe, sriov_numvfs, then its bind part (the floor's: one override + probe per VF). */
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
export function runShellFloor(
  pf: string,
  count: number,
  t0: Instant,
  timeoutMs: number,
  script = FLOOR_SCRIPT,
  arg = '',
): Promise<FloorRun> {
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
