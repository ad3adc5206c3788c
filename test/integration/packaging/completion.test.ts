// completion/vfkeeper.bash, sourced in a real bash the way bash-completion
// does: COMP_WORDS / COMP_CWORD set, the function called, COMPREPLY read.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { commands } from '../../../src/cli/commands/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = new URL('../../../completion/vfkeeper.bash', import.meta.url).pathname;

// The words come in as arguments; the last one is the word being completed.
const DRIVER = `source "$1"; shift
complete -p vfkeeper >/dev/null || exit 9
COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
_vfkeeper
printf '%s\\n' "\${COMPREPLY[@]}"`;

async function complete(words: string[], cwd = process.cwd()): Promise<string[]> {
  const { stdout } = await run('bash', ['-c', DRIVER, 'bash', SCRIPT, ...words], { cwd });
  return stdout.split('\n').filter((w) => w !== '');
}

// Every command the CLI has: a new command without completion fails here.
const COMMANDS = commands.map((c) => c.name);
const GLOBALS = ['--config', '--sysfs-root', '--simulate', '--control-socket', '--json', '--help', '--version'];

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfkeeper-completion-'));
  await mkdir(join(dir, 'conf dir'));
  await writeFile(join(dir, 'my config.yaml'), '');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bash completion', () => {
  it('offers every command after `vfkeeper <TAB>`', async () => {
    expect((await complete(['vfkeeper', ''])).sort()).toEqual([...COMMANDS].sort());
  });

  it('completes a command from its first letters', async () => {
    expect(await complete(['vfkeeper', 're'])).toEqual(['reconcile', 'resume']);
  });

  it('offers the global options at the command position', async () => {
    expect((await complete(['vfkeeper', '--'])).sort()).toEqual([...GLOBALS].sort());
  });

  it.each([
    [
      ['vfkeeper', 'reconcile', '--'],
      ['--dry-run', '--force'],
    ],
    [['vfkeeper', 'doctor', '--r'], ['--root']],
    [
      ['vfkeeper', 'libvirt-xml', '--'],
      ['--virtio-id', '--full', '--root'],
    ],
    [['vfkeeper', 'pause', '--r'], ['--reason']],
    [
      ['vfkeeper', 'forwarder-emulator', '--d'],
      ['--dir', '--dynamic-sockets'],
    ],
    [
      ['vfkeeper', 'firmware', '--'],
      ['--fix', '--root'],
    ],
    [
      ['vfkeeper', 'sim', 'init', '--'],
      ['--pfs', '--vfs', '--numvfs', '--firmware', '--driver'],
    ],
  ])('offers the options of %j', async (words, options) => {
    const got = await complete(words);
    for (const o of options) expect(got).toContain(o);
    expect(got.filter((w) => !GLOBALS.includes(w)).sort()).toEqual([...options].sort());
  });

  it('offers the subcommands of hook and sim, skipping global options and their values', async () => {
    expect(await complete(['vfkeeper', '--config', 'x.yaml', 'hook', ''])).toEqual(['networkmanager', 'networkd']);
    expect(await complete(['vfkeeper', '--json', 'sim', ''])).toEqual(['init', 'open-vfio', 'close-vfio', 'remove', 'rescan']);
  });

  it('completes file names after --config and directories after --sysfs-root, spaces and all', async () => {
    expect(await complete(['vfkeeper', '--config', 'my'], dir)).toEqual(['my config.yaml']);
    expect(await complete(['vfkeeper', '--sysfs-root', ''], dir)).toEqual(['conf dir']);
  });

  it('offers nothing where a free value is expected', async () => {
    expect(await complete(['vfkeeper', 'pause', '--reason', ''])).toEqual([]);
  });
});
