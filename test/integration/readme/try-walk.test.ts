// The README's "try it without hardware" walk, run as written on this
// checkout (after `make build`, as after `make demo`): bin/ on PATH, a
// simulated host, the emulated forwarder, a dry run, a reconcile, status
// and the libvirt XML. Each command's output must be what the README
// shows, once the walk's temporary directory is given one name; the walk
// must end converged with relay 1 attached and its XML printed.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractConsoleBlock, parseWalk, runWalk } from './console-block.js';

const ROOT = resolve('.');
const steps = parseWalk(extractConsoleBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Try it without hardware'));
const tmp = mkdtempSync(join(tmpdir(), 'vfk-walk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** mktemp -d names differ from run to run: the README's and this run's become one. */
const normalize = (text: string): string => text.replace(/\/[\w/.-]*\/tmp\.[A-Za-z0-9]{10}/g, '/tmp/tmp.XXXXXXXXXX');

// A fresh shell's PATH without any installed vfkeeper: only bin/ provides it.
const env = { PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin', HOME: tmp, TMPDIR: tmp, LANG: 'C.UTF-8' };
const outputs = runWalk(steps, { cwd: ROOT, env, timeoutMs: 120_000 });

describe("the README's walk on a simulated host", () => {
  it('has the steps a new user needs, ending with the libvirt XML', () => {
    const commands = steps.map((s) => s.command.split(' ').slice(0, 2).join(' '));
    expect(commands[0]).toBe('export PATH=$PWD/bin:$PATH');
    expect(commands.some((c) => c.startsWith('vfkeeper forwarder-emulator'))).toBe(true);
    expect(steps.at(-2)?.command).toMatch(/^vfkeeper .*libvirt-xml --virtio-id 1$/);
  });

  it.each(steps.map((s, i) => [i, s.command.split('\n')[0] ?? ''] as const))('step %i prints what the README shows: %s', (i) => {
    expect(normalize(outputs[i] ?? '(no output: the walk stopped)')).toBe(normalize(steps[i]?.expected ?? ''));
  });

  it('ends converged, with relay 1 attached and its <interface> in hand', () => {
    const all = outputs.join('');
    expect(all).toMatch(/converged\./);
    expect(all).toMatch(/relay 1 attached/);
    expect(all).toMatch(/<interface type='vhostuser'>[\s\S]*<mac address='[0-9a-f:]{17}'\/>[\s\S]*<\/interface>/);
  });
});
