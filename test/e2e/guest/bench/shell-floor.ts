// The shell floor: what a minimal shell script does once the PF is back,
// run as a real `sh` (dash) with an argument vector, the script a constant.
// It waits for the PF's driver (nvme probes asynchronously, so the rescan
// can return first) with a builtin-only busy loop, the fastest a script can
// react; sets autoprobe 0 and the VF count; gives each VF driver_override
// vfio-pci and probes it (builtins only: no process per VF); then runs
// `udevadm settle`. It prints a mark after each phase; this process stamps
// each mark as it arrives on the pipe, so no clock process runs in the script.
import { spawn } from 'node:child_process';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { type Instant, readMsSince } from './hotplug.js';

/** $1 the PF's address, $2 the VF count. */
export const FLOOR_SCRIPT = `set -e
pf=/sys/bus/pci/devices/$1
while [ ! -e "$pf/driver" ]; do :; done
echo probed
echo 0 > "$pf/sriov_drivers_autoprobe"
echo "$2" > "$pf/sriov_numvfs"
for link in "$pf"/virtfn*; do
  cd -P "$link"
  echo vfio-pci > driver_override
  echo "\${PWD##*/}" > /sys/bus/pci/drivers_probe
done
echo written
udevadm settle -t 60
echo settled
`;

export interface FloorRun {
  /** Rescan to the script's exit: every VF on vfio-pci, udev settled. */
  totalMs: number;
  /** Rescan to the PF's driver bound (the kernel's probe; the script only waits). */
  probeMs: number;
  /** The script's sysfs writes: autoprobe, sriov_numvfs, one override + probe per VF. */
  writeMs: number;
  /** `udevadm settle` after the last write. */
  settleMs: number;
}

const MARKS = ['probed', 'written', 'settled'] as const;
type Mark = (typeof MARKS)[number];

function isMark(line: string): line is Mark {
  return (MARKS as readonly string[]).includes(line);
}

/** Runs the floor script for `count` VFs of `pf`, timing it from `t0` (the rescan). */
export function runShellFloor(pf: string, count: number, t0: Instant, timeoutMs: number): Promise<FloorRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', FLOOR_SCRIPT, 'vfkeeper-floor', pf, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
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
