// The file event source: the configuration (file and conf.d/), the firmware
// directory, the forwarder's socket directory and its environment file, each turned into
// { source: 'file', kind, path } events. Bursts are passed on as they come;
// the daemon's queue coalesces them.
//
// Invariants:
// - One DirectoryWatch per target; a target whose directory does not exist
//   yet is waited for without polling (see files-directory.ts), and reported
//   with its directory as path when it appears or goes.
// - No event after stop(); a target's failure never stops the others.
import { dirname, join, resolve, sep } from 'node:path';
import { Priority, type Logger } from '../journal/types.js';
import { DirectoryWatch } from './files-directory.js';
import type { WakeEvent } from './types.js';

export type FileKind = 'config' | 'firmware' | 'sockets' | 'forwarder-env';

export interface WatchTarget {
  kind: FileKind;
  /** The directory to watch, recursively. */
  dir: string;
  /** Only paths for which this holds are reported; the default reports all. */
  include?: (path: string) => boolean;
}

export interface FileWatcherOptions {
  targets: readonly WatchTarget[];
  onEvent: (event: WakeEvent) => void;
  /** Warnings: a watch that failed and is being set up again. */
  logger: Logger;
}

/** The configuration file and the conf.d/ next to it, e.g. /etc/vfkeeper/vfkeeper.yaml + /etc/vfkeeper/conf.d/. */
export function configWatchTarget(configFile: string): WatchTarget {
  const file = resolve(configFile);
  const dir = dirname(file);
  const confD = join(dir, 'conf.d');
  return {
    kind: 'config',
    dir,
    // The directory itself too: it appearing or going is a change of the configuration.
    include: (path) => path === file || path === dir || path === confD || path.startsWith(confD + sep),
  };
}

/** One file (the forwarder's /etc/default/virtioforwarder): its directory is watched, only the file reported. */
export function fileWatchTarget(kind: FileKind, file: string): WatchTarget {
  const path = resolve(file);
  return { kind, dir: dirname(path), include: (p) => p === path };
}

export class FileWatcher {
  private readonly watches: DirectoryWatch[] = [];
  private stopped = true;

  constructor(private readonly opts: FileWatcherOptions) {}

  /** Resolves once every target is watched (or waited for). */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    for (const target of this.opts.targets) {
      const dir = resolve(target.dir);
      const w = new DirectoryWatch(dir, {
        onChange: (path) => this.onChange(target, path),
        onProblem: (message) => this.opts.logger.log({ priority: Priority.warning, message, fields: { VFKEEPER_WATCH: target.kind } }),
      });
      this.watches.push(w);
    }
    await Promise.all(this.watches.map((w) => w.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const watches = this.watches.splice(0);
    await Promise.all(watches.map((w) => w.stop()));
  }

  private onChange(target: WatchTarget, path: string): void {
    if (this.stopped || (target.include && !target.include(path))) return;
    try {
      this.opts.onEvent({ source: 'file', kind: target.kind, path });
    } catch (err) {
      this.opts.logger.log({ priority: Priority.err, message: `file event handler failed: ${String(err)}` });
    }
  }
}
