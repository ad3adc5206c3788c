// Where a command keeps the state of the host it is aimed at: the pause
// switch, the relay numbers given out, and the run lock. A command aimed at
// another host than this one (--simulate, --sysfs-root) keeps them beside
// that host's own file or directory, never in the real host's
// /var/lib/vfkeeper or /run/vfkeeper: pausing a simulation must not pause
// the production daemon. VFKEEPER_STATE_DIR moves the real host's state
// only (the unit's StateDirectory is /var/lib/vfkeeper).
import { dirname, resolve } from 'node:path';
import type { GlobalOptions } from './command.js';

export const REAL_STATE_DIR = '/var/lib/vfkeeper';

export interface HostState {
  /** Directory of the host's persistent state (pause.json, relay-numbers.json). */
  dir: string;
  /** The run lock taken by commands that change the host when no daemon runs. */
  lockFile: string;
  /** This machine's own host (/sys), not a simulated or copied one. */
  realHost: boolean;
}

type Aim = Pick<GlobalOptions, 'simulate' | 'sysfsRoot' | 'controlSocket'>;

export function hostStateFor(globals: Aim, env: NodeJS.ProcessEnv): HostState {
  if (globals.simulate !== undefined) {
    const file = resolve(globals.simulate);
    return { dir: `${file}.vfkeeper`, lockFile: `${file}.lock`, realHost: false };
  }
  const root = globals.sysfsRoot === undefined ? '/sys' : resolve(globals.sysfsRoot);
  if (root !== '/sys') return { dir: `${root}.vfkeeper`, lockFile: `${root}.vfkeeper/vfkeeper.lock`, realHost: false };
  return { dir: env['VFKEEPER_STATE_DIR'] ?? REAL_STATE_DIR, lockFile: `${dirname(globals.controlSocket)}/vfkeeper.lock`, realHost: true };
}

export const pauseFileIn = (state: HostState): string => `${state.dir}/pause.json`;
