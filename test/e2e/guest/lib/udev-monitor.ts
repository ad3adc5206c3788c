// A child `udevadm monitor --udev --property` that keeps every record it sees.
// Invariants: `records` only grows, in the order udev sent them; stop() ends
// the child and is safe to call twice.
import { spawn } from 'node:child_process';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { waitFor } from './wait.js';

export interface UdevRecord {
  action: string;
  devpath: string;
  properties: Readonly<Record<string, string>>;
}

export interface UdevMonitor {
  readonly records: readonly UdevRecord[];
  waitForRecord(match: (r: UdevRecord) => boolean, what: string, timeoutMs: number): Promise<UdevRecord>;
  stop(): void;
}

/** One blank-line separated block of `udevadm monitor --property`, or undefined for headers. */
export function parseUdevBlock(block: string): UdevRecord | undefined {
  const properties: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && /^[A-Z0-9_]+$/.test(line.slice(0, eq))) properties[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const { ACTION: action, DEVPATH: devpath } = properties;
  return action === undefined || devpath === undefined ? undefined : { action, devpath, properties };
}

/** Starts the monitor and resolves once udevadm says it is listening. */
export async function startUdevMonitor(subsystems: readonly string[], timeoutMs: number): Promise<UdevMonitor> {
  const args = ['monitor', '--udev', '--property', ...subsystems.map((s) => `--subsystem-match=${s}`)];
  // No inherited descriptor: a monitor outliving a crashed scenario must not
  // hold the launcher's output pipe open (the guest would wait for its deadline).
  const child = spawn('udevadm', args, { stdio: ['ignore', 'pipe', 'ignore'] });
  const records: UdevRecord[] = [];
  let pending = '';
  let listening = false;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const blocks = pending.split('\n\n');
    pending = blocks.pop() ?? '';
    for (const block of blocks) {
      if (block.includes('UDEV - the event which udev sends out')) listening = true;
      const record = parseUdevBlock(block);
      if (record !== undefined) records.push(record);
    }
  });
  const stop = (): void => void (child.exitCode === null && child.kill());
  try {
    await waitFor(async () => (listening ? true : undefined), { what: 'udevadm monitor to listen', timeoutMs });
  } catch (e) {
    stop();
    throw new VfkeeperError('ERR_E2E_UDEV', 'udevadm monitor did not start', { cause: e });
  }
  return {
    records,
    stop,
    waitForRecord: (match, what, ms) => waitFor(async () => records.find(match), { what: `udev record: ${what}`, timeoutMs: ms }),
  };
}
