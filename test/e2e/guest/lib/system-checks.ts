// Checks that the guest's journald and system D-Bus work the way vfkeeper
// uses them: the systemd-journald native binding from the shared
// node_modules, `journalctl -o json`, busctl and dbus-next on the system bus.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import dbus from 'dbus-next';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { runChecked } from './exec.js';
import { waitFor } from './wait.js';

interface JournaldBinding {
  warning(message: string, fields: Record<string, string>): void;
}

function isJournaldBinding(x: unknown): x is JournaldBinding {
  return typeof x === 'function' && 'warning' in x && typeof x.warning === 'function';
}

function parseJsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null) throw new VfkeeperError('ERR_E2E_JOURNAL', `not a journal entry: ${line}`);
      return value as Record<string, unknown>;
    });
}

/** Sends a warning with a unique field through the native binding and reads it back with journalctl -o json. */
export async function checkJournald(timeoutMs: number): Promise<Record<string, unknown>> {
  const binding: unknown = createRequire(import.meta.url)('systemd-journald');
  if (!isJournaldBinding(binding)) throw new VfkeeperError('ERR_E2E_JOURNAL', 'systemd-journald has no warning()');
  const mark = randomUUID();
  binding.warning(`vfkeeper e2e journal check ${mark}`, { VFKEEPER_E2E_MARK: mark });
  const entry = await waitFor(
    async () => {
      const { stdout } = await runChecked(['journalctl', '-o', 'json', '--no-pager', `VFKEEPER_E2E_MARK=${mark}`], { timeoutMs: 10_000 });
      return parseJsonLines(stdout)[0];
    },
    { what: `journal entry VFKEEPER_E2E_MARK=${mark}`, timeoutMs, intervalMs: 100 },
  );
  if (entry.PRIORITY !== '4' || entry.MESSAGE !== `vfkeeper e2e journal check ${mark}`) {
    throw new VfkeeperError('ERR_E2E_JOURNAL', `journal entry has PRIORITY=${String(entry.PRIORITY)} MESSAGE=${String(entry.MESSAGE)}`);
  }
  return { priority: entry.PRIORITY, pid: entry._PID, comm: entry._COMM };
}

/** The systemd version over busctl, and a unit's ActiveState over dbus-next (the daemon's client). */
export async function checkSystemBus(unit: string): Promise<{ systemdVersion: string; activeState: string }> {
  const { stdout } = await runChecked(
    [
      'busctl',
      '--system',
      'get-property',
      'org.freedesktop.systemd1',
      '/org/freedesktop/systemd1',
      'org.freedesktop.systemd1.Manager',
      'Version',
    ],
    { timeoutMs: 10_000 },
  );
  const bus = dbus.systemBus();
  try {
    const call = (path: string, iface: string, member: string, signature: string, body: unknown[]): Promise<dbus.Message | null> =>
      bus.call(new dbus.Message({ destination: 'org.freedesktop.systemd1', path, interface: iface, member, signature, body }));
    const unitReply = await call('/org/freedesktop/systemd1', 'org.freedesktop.systemd1.Manager', 'GetUnit', 's', [unit]);
    const unitPath: unknown = unitReply?.body[0];
    if (typeof unitPath !== 'string') throw new VfkeeperError('ERR_E2E_DBUS', `GetUnit(${unit}) returned no object path`);
    const stateReply = await call(unitPath, 'org.freedesktop.DBus.Properties', 'Get', 'ss', [
      'org.freedesktop.systemd1.Unit',
      'ActiveState',
    ]);
    const variant: unknown = stateReply?.body[0];
    const activeState = variant instanceof dbus.Variant && typeof variant.value === 'string' ? variant.value : undefined;
    if (activeState === undefined) throw new VfkeeperError('ERR_E2E_DBUS', `no ActiveState for ${unit}`);
    return { systemdVersion: stdout.trim(), activeState };
  } finally {
    bus.disconnect();
  }
}
