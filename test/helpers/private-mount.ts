// Runs a program in a private mount namespace with one directory bind-mounted
// over another, so a test can show journald or journalctl its own directory
// in place of the machine's (/run/log, /var/lib/systemd/catalog) without
// touching the machine's. The mounts vanish with the namespace.
//
// unshare runs one program, so a fixed two-line sh script does the mount and
// then execs the program; every path and argument travels as a positional
// parameter, never inside the script text.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { collectOutput, type ChildOutput } from './collect-output.js';

const BIND_THEN_EXEC = 'mount --bind "$1" "$2"\nshift 2\nexec "$@"';

export interface Bind {
  /** The directory that appears... */
  from: string;
  /** ...in place of this one (which must exist). */
  over: string;
}

/** argv for running `program` with `bind` in effect; `dieWithParent` adds a parent-death SIGTERM. */
export function formatPrivateMountArgv(bind: Bind, program: readonly string[], dieWithParent = false): string[] {
  const inner = [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    'sh',
    '-ec',
    BIND_THEN_EXEC,
    'sh',
    bind.from,
    bind.over,
    ...program,
  ];
  return dieWithParent ? ['setpriv', '--pdeathsig', 'TERM', '--', ...inner] : inner;
}

export function spawnWithPrivateMount(
  bind: Bind,
  program: readonly string[],
  options: SpawnOptions & { dieWithParent?: boolean } = {},
): ChildProcess {
  const [command, ...args] = formatPrivateMountArgv(bind, program, options.dieWithParent ?? false);
  if (command === undefined) throw new Error('empty argv');
  return spawn(command, args, options);
}

/** Runs to completion; resolves with its status and output. */
export function runWithPrivateMount(bind: Bind, program: readonly string[]): Promise<ChildOutput> {
  return collectOutput(spawnWithPrivateMount(bind, program, { stdio: ['ignore', 'pipe', 'pipe'] }));
}
