// systemd in the guest, through systemctl: unit properties and waits for an
// ActiveState, each with a deadline.
import { runChecked, runCommand } from './exec.js';
import { waitFor } from './wait.js';

const SYSTEMCTL_MS = 60_000;

export async function runSystemctl(args: readonly string[], timeoutMs = SYSTEMCTL_MS): Promise<string> {
  return (await runChecked(['systemctl', ...args], { timeoutMs })).stdout;
}

/** `systemctl show -p A,B UNIT` as a record. */
export async function readUnitProperties(unit: string, names: readonly string[]): Promise<Record<string, string>> {
  const out = await runSystemctl(['show', '-p', names.join(','), unit]);
  const props: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) props[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return props;
}

/** `systemctl is-active UNIT`: active, inactive, activating, failed... */
export async function readActiveState(unit: string): Promise<string> {
  const r = await runCommand(['systemctl', 'is-active', unit], { timeoutMs: SYSTEMCTL_MS });
  return r.stdout.trim();
}

export function waitForActiveState(unit: string, state: string, timeoutMs: number): Promise<string> {
  return waitFor(async () => ((await readActiveState(unit)) === state ? state : undefined), {
    what: `${unit} to be ${state}`,
    timeoutMs,
    intervalMs: 250,
  });
}
