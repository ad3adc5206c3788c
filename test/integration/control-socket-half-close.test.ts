// A client that half-closes after its request (shutdown(SHUT_WR), as
// `printf '{"request":"status"}\n' | socat - UNIX-CONNECT:...` does) still
// gets its reply, even from a handler that takes its time (status observes
// the host): the server must not end its side when the client ends its own.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlServer, type ControlHandlers } from '../../src/control/server.js';
import { collectOutput } from '../helpers/collect-output.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { assertPresent, skipWhenMissing } from '../helpers/requires.js';

const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;

let dir: string;
let server: ControlServer;

const slow: ControlHandlers = {
  status: async () => {
    await sleep(100);
    return { pfs: [], paused: false };
  },
  reconcile: async () => ({ steps: [], converged: true }),
  hook: async () => ({ queued: true }),
  pause: async () => ({ paused: true }),
  resume: async () => ({ paused: false }),
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vfkeeper-half-'));
  server = new ControlServer({ path: join(dir, 'control.sock'), handlers: slow, logger: new MemoryLogger() });
  await server.start();
});
afterEach(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `text`, shuts the write side down at once, reads until the server ends. */
function halfClosingExchange(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: join(dir, 'control.sock'), allowHalfOpen: true });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(text));
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

describe('control socket, half-closing clients', () => {
  it('answers every request of a client that shut its side down, then ends the connection', async () => {
    const text = await halfClosingExchange('{"request":"status"}\n{"request":"reconcile"}\n');
    expect(text.split('\n').filter((l) => l !== '')).toEqual([
      '{"ok":true,"result":{"pfs":[],"paused":false}}',
      '{"ok":true,"result":{"steps":[],"converged":true}}',
    ]);
  });

  it('takes a last request without its newline when the client ends there', async () => {
    expect(await halfClosingExchange('{"request":"status"}')).toBe('{"ok":true,"result":{"pfs":[],"paused":false}}\n');
  });

  it.skipIf(skipWhenMissing(hasSocat))('answers socat reading the request from a pipe (the README example)', async () => {
    assertPresent(hasSocat, 'socat');
    const child = spawn('socat', ['-', `UNIX-CONNECT:${join(dir, 'control.sock')}`]);
    child.stdin.end('{"request":"status"}\n');
    const r = await collectOutput(child);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('{"ok":true,"result":{"pfs":[],"paused":false}}\n');
  });
});
