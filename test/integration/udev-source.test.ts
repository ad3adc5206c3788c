// The udev source against a fake `udevadm`: a shell script that prints a
// recorded monitor output, then sleeps (a healthy monitor) or exits (a dying one).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UDEVADM_MONITOR_ARGS, UdevSource } from '../../src/events/udev.js';
import type { WakeEvent } from '../../src/events/types.js';
import { parsePciAddress, type PciAddress } from '../../src/model/pci.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { waitFor } from '../helpers/wait-for.js';

const fixtures = join(import.meta.dirname, '../fixtures/udev');
let dir: string;
let source: UdevSource | null;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vfkeeper-udev-'));
  source = null;
});
afterEach(async () => {
  await source?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function fakeUdevadm(fixture: string, then: 'sleep' | 'exit'): string {
  const path = join(dir, 'udevadm');
  const end = then === 'sleep' ? 'exec sleep 1000' : 'echo "Failed to receive device: Connection reset" >&2; exit 1';
  writeFileSync(
    path,
    ['#!/bin/sh', `printf '%s\\n' "$*" >> '${dir}/args'`, `echo $$ >> '${dir}/pids'`, `cat '${join(fixtures, fixture)}'`, end, ''].join(
      '\n',
    ),
  );
  chmodSync(path, 0o755);
  return path;
}

const lines = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'utf8').trim().split('\n') : []);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('UdevSource', () => {
  it('runs udevadm monitor with the argument vector, delivers its events, and kills it on stop()', async () => {
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    source = new UdevSource({ command: fakeUdevadm('vf-lifecycle.txt', 'sleep'), logger, onEvent: (e) => events.push(e) });
    await source.start();
    await waitFor(() => events.length >= 6, 'six events');
    expect(lines('args')).toEqual([UDEVADM_MONITOR_ARGS.join(' ')]);
    expect(events.map((e) => e.kind === 'pci' && `${e.action} ${e.driver ?? ''}`)).toEqual([
      'add ',
      'change nvme',
      'bind nvme',
      'unbind ',
      'bind vfio-pci',
      'remove ',
    ]);
    const pid = Number(lines('pids')[0]);
    expect(isAlive(pid)).toBe(true);
    await source.stop();
    expect(isAlive(pid)).toBe(false);
    expect(logger.entries).toEqual([]);
  });

  it('reports each bad record once through the logger and keeps the good ones', async () => {
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    source = new UdevSource({ command: fakeUdevadm('garbage.txt', 'sleep'), logger, onEvent: (e) => events.push(e) });
    await source.start();
    await waitFor(() => events.length >= 2 && logger.entries.length >= 8, 'the good records and the warnings');
    expect(events.map((e) => e.kind === 'pci' && e.pci)).toEqual(['0000:01:00.2', '0000:01:01.0']);
    expect(logger.entries.every((e) => e.priority === 4 && e.message.endsWith(', ignoring'))).toBe(true);
  });

  it('restarts a dying monitor with capped exponential back-off, says so, and calls onGap', async () => {
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    let gaps = 0;
    source = new UdevSource({
      command: fakeUdevadm('pf-hotadd.txt', 'exit'),
      logger,
      onEvent: (e) => events.push(e),
      backoff: { initialMs: 10, maxMs: 40, healthyAfterMs: 60_000 },
      onGap: () => (gaps += 1),
    });
    await source.start();
    await waitFor(() => logger.entries.length >= 5, 'five restarts');
    await source.stop();
    const retries = logger.entries.slice(0, 5).map((e) => e.fields?.VFKEEPER_RETRY_MS);
    expect(retries).toEqual([10, 20, 40, 40, 40]);
    expect(logger.entries[0]?.message).toMatch(
      /^udevadm monitor \(.*udevadm\) exited with status 1 \(it said: Failed to receive device: Connection reset\), restarting in 10 ms$/,
    );
    const runs = lines('pids').length;
    expect(runs).toBeGreaterThanOrEqual(5);
    // Each run printed the whole fixture: its three records arrive once per run, in order.
    expect(events.length % 3).toBe(0);
    expect(events.slice(0, 6).map((e) => e.kind === 'pci' && e.action)).toEqual(['add', 'bind', 'change', 'add', 'bind', 'change']);
    expect(gaps).toBeGreaterThanOrEqual(4);
    // Stopped means stopped: no new run after a wait well beyond the longest back-off.
    await new Promise((r) => setTimeout(r, 200));
    expect(lines('pids').length).toBe(runs);
  });

  it('keeps retrying when udevadm cannot be started at all, with the errno', async () => {
    const logger = new MemoryLogger();
    source = new UdevSource({
      command: join(dir, 'no-such-udevadm'),
      logger,
      onEvent: () => undefined,
      backoff: { initialMs: 10, maxMs: 20, healthyAfterMs: 60_000 },
    });
    await source.start();
    await waitFor(() => logger.entries.length >= 2, 'two failed starts');
    expect(logger.entries[0]?.message).toMatch(/could not be started: spawn .*no-such-udevadm ENOENT, restarting in 10 ms$/);
    expect(logger.entries[0]?.fields?.ERRNO).toBe('ENOENT');
  });

  it('fills in physfn through readPhysfn and keeps udev order when lookups finish out of order', async () => {
    const events: WakeEvent[] = [];
    const pf = parsePciAddress('0000:01:00.0');
    let delay = 40;
    const readPhysfn = async (pci: PciAddress): Promise<PciAddress | null> => {
      delay = Math.max(0, delay - 10);
      await new Promise((r) => setTimeout(r, delay));
      return pci === pf ? null : pf;
    };
    source = new UdevSource({
      command: fakeUdevadm('vf-lifecycle.txt', 'sleep'),
      logger: new MemoryLogger(),
      onEvent: (e) => events.push(e),
      readPhysfn,
    });
    await source.start();
    await waitFor(() => events.length >= 6, 'six events');
    expect(events.map((e) => e.kind === 'pci' && `${e.action} ${e.pci} ${e.physfn ?? '-'}`)).toEqual([
      'add 0000:01:00.1 0000:01:00.0',
      'change 0000:01:00.0 -',
      'bind 0000:01:00.1 0000:01:00.0',
      'unbind 0000:01:00.1 0000:01:00.0',
      'bind 0000:01:00.1 0000:01:00.0',
      'remove 0000:01:00.1 0000:01:00.0',
    ]);
  });

  it('says so when a physfn link cannot be read, and still delivers the event, with its PF unknown', async () => {
    const events: WakeEvent[] = [];
    const logger = new MemoryLogger();
    const pf = parsePciAddress('0000:01:00.0');
    source = new UdevSource({
      command: fakeUdevadm('vf-lifecycle.txt', 'sleep'),
      logger,
      onEvent: (e) => events.push(e),
      readPhysfn: async (pci) => {
        if (pci === pf) return null;
        throw Object.assign(new Error('EIO: i/o error, readlink'), { code: 'EIO' });
      },
    });
    await source.start();
    await waitFor(() => events.length >= 6, 'six events');
    expect(events.map((e) => e.kind === 'pci' && `${e.action} ${e.pci} ${e.physfn ?? '-'}`)[0]).toBe('add 0000:01:00.1 -');
    expect(logger.entries[0]).toMatchObject({
      priority: 4,
      message: 'cannot read the physfn link of 0000:01:00.1 (EIO: i/o error, readlink): its event wakes a run of all PFs',
      fields: { PCI_SLOT: '0000:01:00.1', ERRNO: 'EIO' },
    });
  });
});
