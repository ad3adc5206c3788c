// The control socket end to end: a real unix socket in a temporary
// directory, the real client, and raw connections for bad input.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { probeControlSocket, requestControl } from '../../src/control/client.js';
import type { JsonValue } from '../../src/control/protocol.js';
import { ControlServer, type ControlHandlers } from '../../src/control/server.js';
import { VfkeeperError } from '../../src/model/errors.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';
import { waitFor } from '../helpers/wait-for.js';

let dir: string;
let path: string;
let servers: ControlServer[];
let calls: string[];
let logger: MemoryLogger;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vfkeeper-ctl-'));
  path = join(dir, 'run/vfkeeper/control.sock');
  servers = [];
  calls = [];
  logger = new MemoryLogger();
});
afterEach(async () => {
  for (const s of servers) await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const handlers: ControlHandlers = {
  status: async () => ({ pfs: [], paused: false }),
  reconcile: async (o) => {
    calls.push(`reconcile ${JSON.stringify(o)}`);
    return { steps: [], converged: true };
  },
  hook: async (event, dispatcher) => {
    calls.push(`hook ${dispatcher} ${JSON.stringify(event)}`);
    return { queued: true };
  },
  pause: async (reason) => {
    if (reason === 'fail') throw new VfkeeperError('ERR_PAUSED', 'already paused', { hint: 'vfkeeper resume first' });
    if (reason === 'bug') throw new TypeError('x is undefined');
    calls.push(`pause ${reason}`);
    return { paused: true };
  },
  resume: () => new Promise<JsonValue>(() => undefined), // never answers
};

async function serve(at = path): Promise<ControlServer> {
  const server = new ControlServer({ path: at, handlers, logger });
  await server.start();
  servers.push(server);
  return server;
}

async function reply(request: Parameters<typeof requestControl>[1]): Promise<unknown> {
  const outcome = await requestControl(path, request, 5_000);
  if (outcome.kind !== 'reply') throw new Error(`no daemon: ${outcome.message}`);
  return outcome.reply;
}

/** Raw lines over one connection, until `count` reply lines or the server closes. */
function rawExchange(text: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    let data = '';
    const lines = () => data.split('\n').filter((l) => l !== '');
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(text));
    socket.on('data', (chunk: string) => {
      data += chunk;
      if (lines().length >= count) {
        socket.destroy();
        resolve(lines());
      }
    });
    socket.on('end', () => resolve(lines()));
    socket.on('error', reject);
  });
}

/** A socket file nobody listens on: a process that bound it was SIGKILLed. */
async function staleSocket(at: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(at)}, () => console.log('up'))`], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve) => child.stdout.once('data', resolve));
  await new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });
}

describe('control socket', () => {
  it('answers each request with its handler, one JSON line each way', async () => {
    await serve();
    expect(await reply({ request: 'status' })).toEqual({ ok: true, result: { pfs: [], paused: false } });
    expect(await reply({ request: 'reconcile', dryRun: true })).toEqual({ ok: true, result: { steps: [], converged: true } });
    expect(await reply({ request: 'hook', netdev: 'enp2s0np0', action: 'up', source: 'networkmanager' })).toEqual({
      ok: true,
      result: { queued: true },
    });
    expect(await reply({ request: 'hook', netdev: 'enp2s0np0', action: 'down', source: 'networkmanager' })).toEqual({
      ok: true,
      result: { ignored: 'networkmanager action "down" is not up or pre-up' },
    });
    expect(await reply({ request: 'pause', reason: 'firmware update' })).toEqual({ ok: true, result: { paused: true } });
    expect(calls).toEqual([
      'reconcile {"dryRun":true,"force":false}',
      'hook networkmanager {"source":"hook","kind":"netdev","netdev":"enp2s0np0","action":"up"}',
      'pause firmware update',
    ]);
  });

  it('turns handler failures and hostile hook names into error replies', async () => {
    await serve();
    expect(await reply({ request: 'pause', reason: 'fail' })).toEqual({
      ok: false,
      error: { code: 'ERR_PAUSED', message: 'already paused', hint: 'vfkeeper resume first' },
    });
    expect(await reply({ request: 'pause', reason: 'bug' })).toEqual({
      ok: false,
      error: { code: 'ERR_INTERNAL', message: 'x is undefined' },
    });
    expect(logger.messages()).toEqual(['control request failed unexpectedly: TypeError: x is undefined']);
    const hostile = await reply({ request: 'hook', netdev: '$(reboot)', action: 'routable', source: 'networkd' });
    expect(hostile).toMatchObject({
      ok: false,
      error: {
        code: 'ERR_NETDEV_NAME',
        message: 'hook networkd: "$(reboot)" is not a valid interface name: it contains a shell metacharacter',
      },
    });
    expect(calls).toEqual([]);
  });

  it('answers malformed lines with an error and goes on serving the same connection, in order', async () => {
    await serve();
    const lines = await rawExchange('not json\n\n{"request":"status"}\n{"request":"reconcile","dryrun":true}\n{"request":"status"}\n', 4);
    const replies = lines.map((l) => JSON.parse(l) as { ok: boolean; error?: { code: string; message: string } });
    expect(replies.map((r) => r.ok)).toEqual([false, true, false, true]);
    expect(replies[0]?.error?.message).toMatch(/^control request is not JSON/);
    expect(replies[2]?.error).toMatchObject({
      code: 'ERR_CONTROL_REQUEST',
      message: 'control request is invalid: Unrecognized key: "dryrun"',
    });
    expect(calls).toEqual([]);
  });

  it('refuses an endless line with an error reply and closes that connection only', async () => {
    await serve();
    const lines = await rawExchange('x'.repeat(100_000), 1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      ok: false,
      error: { code: 'ERR_CONTROL_REQUEST', message: 'control request is longer than 65536 characters' },
    });
    expect(await reply({ request: 'status' })).toMatchObject({ ok: true });
  });

  it('creates the socket with mode 0600 (and its directory), and removes it on stop', async () => {
    const server = await serve();
    expect(lstatSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await server.stop();
    expect(existsSync(path)).toBe(false);
  });

  it('reports "no daemon" distinctly: no socket file (ENOENT) and a stale one (ECONNREFUSED)', async () => {
    expect(await requestControl(path, { request: 'status' }, 1_000)).toEqual({
      kind: 'no-daemon',
      errno: 'ENOENT',
      message: `no vfkeeper daemon: ${path} does not exist`,
    });
    const stale = join(dir, 'stale.sock');
    await staleSocket(stale);
    expect(lstatSync(stale).isSocket()).toBe(true);
    expect(await requestControl(stale, { request: 'status' }, 1_000)).toMatchObject({ kind: 'no-daemon', errno: 'ECONNREFUSED' });
  });

  it('replaces a stale socket file at start, and says so', async () => {
    await serve(); // makes the directory
    await servers.pop()?.stop();
    await staleSocket(path);
    expect(await probeControlSocket(path)).toBe('stale');
    await serve();
    expect(await reply({ request: 'status' })).toMatchObject({ ok: true });
    expect(logger.messages()).toEqual([`removed the stale control socket ${path}`]);
  });

  it('refuses to start where another daemon answers, and leaves that one working', async () => {
    await serve();
    const second = new ControlServer({ path, handlers, logger });
    await expect(second.start()).rejects.toMatchObject({
      code: 'ERR_CONTROL_SOCKET_BUSY',
      message: `another vfkeeper daemon answers on ${path}`,
    });
    expect(await reply({ request: 'status' })).toMatchObject({ ok: true });
  });

  it('refuses a path that is not a socket and leaves the file alone', async () => {
    const file = join(dir, 'control.sock');
    writeFileSync(file, 'precious');
    await expect(new ControlServer({ path: file, handlers, logger }).start()).rejects.toMatchObject({ code: 'ERR_CONTROL_SOCKET_PATH' });
    expect(readFileSync(file, 'utf8')).toBe('precious');
  });

  it('on stop, leaves alone a socket that is no longer its own', async () => {
    const first = await serve();
    unlinkSync(path);
    await serve();
    await first.stop();
    expect(await reply({ request: 'status' })).toMatchObject({ ok: true });
  });

  it('gives up after its deadline when the daemon does not answer', async () => {
    await serve();
    await expect(requestControl(path, { request: 'resume' }, 200)).rejects.toMatchObject({
      code: 'ERR_CONTROL_TIMEOUT',
      message: `the vfkeeper daemon on ${path} did not answer "resume" within 200 ms`,
    });
    // The server survives the client hanging up on it.
    await waitFor(async () => (await requestControl(path, { request: 'status' }, 1_000)).kind === 'reply', 'a later reply');
  });
});
