// The dispatcher hooks, run as the dispatchers run them, with a fake
// vfkeeper on PATH that records the argv and IFACE it receives. Hostile
// interface names must arrive as literal strings; canary commands inside
// them must never run.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const NM_HOOK = new URL('../../../hooks/networkmanager-dispatcher', import.meta.url).pathname;
const ND_HOOK = new URL('../../../hooks/networkd-dispatcher', import.meta.url).pathname;

// Records each argument and IFACE NUL-terminated, so no byte is ambiguous.
const FAKE = `#!/bin/sh
for a in "$@"; do printf '%s\\0' "$a"; done > "$VFK_RECORD"
printf '%s\\0' "\${IFACE-<unset>}" > "$VFK_RECORD.iface"
`;

// Made when the file loads: the test names show the canary path.
const dir = mkdtempSync(join(tmpdir(), 'vfkeeper-hooks-'));
const fakeBin = join(dir, 'bin');
const canary = join(dir, 'canary');

function hostileNames(): string[] {
  return [
    `$(touch ${canary})`,
    `\`touch ${canary}\``,
    `a;touch ${canary}`,
    `a|touch ${canary}`,
    'a b',
    '-rf',
    '--help',
    '*',
    '"quoted"',
    "it's",
    'line\nbreak',
    '',
  ];
}

async function readRecord(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\0').slice(0, -1);
}

async function runHook(hook: string, args: string[], env: Record<string, string>): Promise<string[] | null> {
  const record = join(dir, 'record');
  await rm(record, { force: true });
  await run(hook, args, { env: { PATH: `${fakeBin}:/usr/bin:/bin`, VFK_RECORD: record, ...env } });
  const called = await stat(record).then(
    () => true,
    () => false,
  );
  return called ? readRecord(record) : null;
}

beforeAll(async () => {
  await mkdir(fakeBin);
  await writeFile(join(fakeBin, 'vfkeeper'), FAKE, { mode: 0o755 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('NetworkManager dispatcher hook', () => {
  it.each(hostileNames().map((n) => [n]))('passes the interface %j to vfkeeper as one literal argument', async (name) => {
    const argv = await runHook(NM_HOOK, [name, 'up'], {});
    expect(argv).toEqual(['hook', 'networkmanager', '--', name, 'up']);
    await expect(stat(canary)).rejects.toThrow();
  });

  it('passes a hostile action literally too', async () => {
    const action = `up;touch ${canary}`;
    expect(await runHook(NM_HOOK, ['enp2s0np0', action], {})).toEqual(['hook', 'networkmanager', '--', 'enp2s0np0', action]);
    await expect(stat(canary)).rejects.toThrow();
  });

  it.each(['hostname', 'connectivity-change', 'dns-change'])('does not start vfkeeper for %s, which has no interface', async (action) => {
    expect(await runHook(NM_HOOK, ['none', action], {})).toBeNull();
  });
});

describe('networkd-dispatcher hook', () => {
  it.each(hostileNames().map((n) => [n]))('keeps the interface %j in IFACE, unchanged, and passes STATE', async (name) => {
    const record = join(dir, 'record');
    const argv = await runHook(ND_HOOK, [], { IFACE: name, STATE: 'routable' });
    expect(argv).toEqual(['hook', 'networkd', '--', 'routable']);
    expect(await readRecord(`${record}.iface`)).toEqual([name]);
    await expect(stat(canary)).rejects.toThrow();
  });

  it('takes the state from its directory when STATE is not set', async () => {
    const stateDir = join(dir, 'configured.d');
    await mkdir(stateDir, { recursive: true });
    const hook = join(stateDir, '90-vfkeeper');
    await copyFile(ND_HOOK, hook);
    await run('chmod', ['0755', hook]);
    expect(await runHook(hook, [], { IFACE: 'enp2s0np0' })).toEqual(['hook', 'networkd', '--', 'configured']);
  });
});

describe('both hooks on a host without vfkeeper', () => {
  const installed = ['/usr/local/bin/vfkeeper', '/usr/bin/vfkeeper', '/bin/vfkeeper'];

  it.each([
    [NM_HOOK, ['enp2s0np0', 'up']],
    [ND_HOOK, []],
  ])('%s exits 0 and does nothing', async (hook, args) => {
    const present = await Promise.all(
      installed.map((p) =>
        stat(p).then(
          () => p,
          () => null,
        ),
      ),
    );
    expect(
      present.filter((p) => p !== null),
      'a vfkeeper is installed on this machine',
    ).toEqual([]);
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const r = await run(hook, args, { env: { PATH: empty, IFACE: 'enp2s0np0', STATE: 'routable' } });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('');
  });
});
