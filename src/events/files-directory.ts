// One watched directory that may not exist yet, or may go away and come
// back (the forwarder makes its socket directory when it starts; the
// firmware directory comes with a package).
//
// While the directory exists, it and each directory under it have an
// fs.watch (one inotify watch each, read by libuv on the event loop: no
// thread, no timer, nothing wakes while nothing changes). @parcel/watcher
// did this before; its inotify backend polls its descriptors twice a second
// (poll(..., 500) in a loop on a thread of its own), which a daemon at rest
// must not. A directory created under a watched one is watched as soon as
// its creation is seen, and is then reported whole (as its own path), since
// entries made in it before its watch was in place raise no event.
//
// While dir does not exist, we watch its nearest existing ancestor with
// fs.watch, which is one inotify watch on that one directory, not
// recursive: watching the parent recursively would mean a watch on every
// directory under /tmp or /lib/firmware, and retrying on a timer would poll
// while idle.
//
// Invariants:
// - Exactly one of: watches on dir and the directories under it, an
//   fs.watch on one ancestor, a retry timer, or nothing (stopped).
//   `generation` grows on every re-arm and on stop(), so a late async step
//   of an older arming never installs anything, and an event of an older
//   watch reports nothing.
// - The directory appearing or disappearing is reported as a change of dir
//   itself: the consumer re-reads the whole directory (events are hints).
import { watch, type FSWatcher } from 'node:fs';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { errnoOf, isAbsent } from '../model/errno.js';

export interface DirectoryWatchHandlers {
  /** Something under dir changed (or dir itself, when it appears or goes). */
  onChange: (path: string) => void;
  /** A problem we recover from by ourselves, ending in ", retrying" or ", ignoring". */
  onProblem: (message: string) => void;
}

const RETRY_MS = 30_000;

/**
 * `fallback` when path is not there (ENOENT, ENODEV) or a component of it is
 * not a directory (ENOTDIR): that is what a watch waits on. Anything else
 * (EACCES, EIO) is thrown on, so the watch reports it and retries rather
 * than wait for ever on a directory it could not read.
 */
async function unlessAbsent<T>(read: Promise<T>, fallback: T): Promise<T> {
  return read.catch((err: unknown) => {
    if (isAbsent(err) || errnoOf(err) === 'ENOTDIR') return fallback;
    throw err;
  });
}

async function isDirectory(path: string): Promise<boolean> {
  return unlessAbsent(
    stat(path).then((s) => s.isDirectory()),
    false,
  );
}

/** The inode of path when it is a directory, else null; follow: a link to a directory counts (dir itself may be one). */
async function directoryInode(path: string, follow: boolean): Promise<number | null> {
  return unlessAbsent(
    (follow ? stat(path) : lstat(path)).then((s) => (s.isDirectory() ? s.ino : null)),
    null,
  );
}

interface WatchedAncestor {
  path: string;
  /** The component of dir right under path, whose creation we wait for. */
  next: string;
}

interface TreeWatch {
  watcher: FSWatcher;
  /** The directory's inode when its watch was made: a directory of the same name made later is another one. */
  ino: number;
}

export class DirectoryWatch {
  private generation = 0;
  /** dir and the directories under it, by path, while dir exists. */
  private readonly tree = new Map<string, TreeWatch>();
  private ancestorWatch: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly dir: string,
    private readonly handlers: DirectoryWatchHandlers,
  ) {}

  /** Resolves once dir and its subdirectories are watched, or its ancestor watched (or a retry is set). */
  async start(): Promise<void> {
    await this.arm(false);
  }

  stop(): Promise<void> {
    this.generation += 1;
    this.disarm();
    return Promise.resolve();
  }

  /** dir is followed when it is a link; the directories under it are walked as they are, links not followed. */
  private inodeOf(path: string): Promise<number | null> {
    return directoryInode(path, path === this.dir);
  }

  private disarm(): void {
    this.ancestorWatch?.close();
    this.ancestorWatch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const { watcher } of this.tree.values()) watcher.close();
    this.tree.clear();
  }

  /** announce: report dir itself as changed once it is watched (it just appeared). Never rejects. */
  private async arm(announce: boolean): Promise<void> {
    const gen = ++this.generation;
    try {
      this.disarm();
      if (await this.tryWatchTree(gen, announce)) return;
      if (gen === this.generation) await this.watchAncestor(gen);
    } catch (err) {
      this.fail(gen, `cannot watch ${this.dir} (${String(err)})`);
    }
  }

  /** Drops every watch and tries again from the top after RETRY_MS (errors only: never while all is well). */
  private fail(gen: number, what: string): void {
    if (gen !== this.generation) return;
    this.generation += 1;
    this.disarm();
    this.handlers.onProblem(`${what}, retrying in ${RETRY_MS / 1000} s`);
    this.timer = setTimeout(() => void this.arm(true), RETRY_MS);
  }

  /** True when dir is watched now (or this arming is already stale). */
  private async tryWatchTree(gen: number, announce: boolean): Promise<boolean> {
    if (!(await this.watchDirectory(gen, this.dir))) return gen !== this.generation;
    await this.watchSubdirectories(gen, this.dir, false);
    if (announce && gen === this.generation) this.handlers.onChange(this.dir);
    return true;
  }

  /** One directory's own watch; false when it is not a directory (any more). Throws what fs.watch throws otherwise (ENOSPC: no watches left). */
  private async watchDirectory(gen: number, path: string): Promise<boolean> {
    const ino = await this.inodeOf(path);
    if (ino === null || gen !== this.generation) return false;
    if (this.tree.has(path)) return true;
    let watcher: FSWatcher;
    try {
      watcher = watch(path, { persistent: false }, (_type, name) => this.onTreeEvent(gen, path, name));
    } catch (err) {
      // Gone again between the lstat and the watch: the caller waits for it or its parent reports it.
      if (isAbsent(err) || errnoOf(err) === 'ENOTDIR') return false;
      throw err;
    }
    watcher.on('error', (err) => this.onWatchError(gen, path, err));
    this.tree.set(path, { watcher, ino });
    return true;
  }

  /** Watches every directory under path; report: say each one found (it appeared after its parent's watch). */
  private async watchSubdirectories(gen: number, path: string, report: boolean): Promise<void> {
    // Gone since its watch was made: its parent's watch reports that.
    const entries = await unlessAbsent(readdir(path, { withFileTypes: true }), []);
    for (const entry of entries) {
      if (gen !== this.generation) return;
      const child = join(path, entry.name);
      if (report) this.handlers.onChange(child);
      if (entry.isDirectory() && (await this.watchDirectory(gen, child))) await this.watchSubdirectories(gen, child, report);
    }
  }

  private onTreeEvent(gen: number, path: string, name: string | Buffer | null): void {
    if (gen !== this.generation) return;
    // No name: something happened to path we cannot place; re-reading path covers it.
    if (name === null) return this.handlers.onChange(path);
    const entry = name.toString();
    // The watched directory itself going away is reported under its own
    // name (IN_DELETE_SELF, IN_MOVE_SELF); an entry of that name inside it
    // looks the same, so look.
    if (entry === basename(path))
      void this.checkSelf(gen, path).catch((err: unknown) => this.fail(gen, `cannot watch ${path} (${String(err)})`));
    else this.onEntry(gen, join(path, entry));
  }

  private async checkSelf(gen: number, path: string): Promise<void> {
    const ino = await this.inodeOf(path);
    if (gen !== this.generation) return;
    if (ino !== null && ino === this.tree.get(path)?.ino) return this.onEntry(gen, join(path, basename(path)));
    if (path === this.dir) {
      // Gone: wait for it again; if it is already back, that is news too.
      this.handlers.onChange(this.dir);
      return void this.arm(true);
    }
    // A subdirectory went: its parent's watch reports that (and a new one of the same name).
    this.unwatchUnder(path);
  }

  /** path (directly under a watched directory) was made, changed or removed. */
  private onEntry(gen: number, path: string): void {
    this.handlers.onChange(path);
    void this.followEntry(gen, path).catch((err: unknown) => this.fail(gen, `cannot watch ${path} (${String(err)})`));
  }

  /** A new directory gets its watches (and is read whole); a removed one loses them. */
  private async followEntry(gen: number, path: string): Promise<void> {
    const ino = await this.inodeOf(path);
    if (gen !== this.generation) return;
    const known = this.tree.get(path);
    if (known !== undefined && known.ino === ino) return;
    if (known !== undefined) this.unwatchUnder(path);
    if (ino !== null && (await this.watchDirectory(gen, path))) await this.watchSubdirectories(gen, path, true);
  }

  private unwatchUnder(path: string): void {
    for (const [p, { watcher }] of this.tree) {
      if (p !== path && !p.startsWith(path + sep)) continue;
      watcher.close();
      this.tree.delete(p);
    }
  }

  private onWatchError(gen: number, path: string, err: Error): void {
    if (gen !== this.generation) return;
    this.handlers.onProblem(`watching ${path} failed (${err.message}), re-reading ${this.dir} and watching again`);
    this.handlers.onChange(this.dir);
    void this.arm(false);
  }

  /** fs.watch on the nearest ancestor that exists, for the next component of dir to appear. */
  private async watchAncestor(gen: number): Promise<void> {
    let ancestor = dirname(this.dir);
    while (!(await isDirectory(ancestor)) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    const next = relative(ancestor, this.dir).split(sep)[0] ?? '';
    if (gen !== this.generation) return;
    const w = watch(ancestor, { persistent: false }, (_type, name) => this.onAncestorEvent(gen, { path: ancestor, next }, name));
    w.on('error', () => {
      if (gen === this.generation) void this.arm(true);
    });
    this.ancestorWatch = w;
    // The next component may have appeared before the watch was in place.
    if (gen === this.generation && (await isDirectory(join(ancestor, next)))) await this.arm(true);
  }

  private onAncestorEvent(gen: number, ancestor: WatchedAncestor, name: string | Buffer | null): void {
    if (gen !== this.generation) return;
    const entry = name === null ? null : name.toString();
    // The next component appeared; or the ancestor itself went away (inotify
    // reports that under its own name) and may already be back as a new
    // inode our watch does not see: either way, look again from the top.
    if (entry === null || entry === ancestor.next || entry === basename(ancestor.path)) void this.arm(true);
  }
}
