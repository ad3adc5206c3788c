// One watched directory that may not exist yet, or may go away and come
// back (the forwarder makes its socket directory when it starts; the
// firmware directory comes with a package).
//
// While the directory exists it is an @parcel/watcher subscription. While
// it does not, we watch its nearest existing ancestor with fs.watch, which
// is one inotify watch on that one directory, not recursive: watching the
// parent recursively would mean a watch on every directory under /tmp or
// /lib/firmware, and retrying on a timer would poll while idle.
//
// Invariants:
// - Exactly one of: a parcel subscription on dir, an fs.watch on one
//   ancestor, a retry timer, or nothing (stopped). `generation` grows on
//   every re-arm and on stop(), so a late async step of an older arming
//   never installs anything.
// - The directory appearing or disappearing is reported as a change of dir
//   itself: the consumer re-reads the whole directory (events are hints).
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import watcher, { type AsyncSubscription } from '@parcel/watcher';

export interface DirectoryWatchHandlers {
  /** Something under dir changed (or dir itself, when it appears or goes). */
  onChange: (path: string) => void;
  /** A problem we recover from by ourselves, ending in ", retrying" or ", ignoring". */
  onProblem: (message: string) => void;
}

const RETRY_MS = 30_000;

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

interface WatchedAncestor {
  path: string;
  /** The component of dir right under path, whose creation we wait for. */
  next: string;
}

export class DirectoryWatch {
  private generation = 0;
  private subscription: AsyncSubscription | null = null;
  private ancestorWatch: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly dir: string,
    private readonly handlers: DirectoryWatchHandlers,
  ) {}

  /** Resolves once dir is subscribed to, or its ancestor watched (or a retry is set). */
  async start(): Promise<void> {
    await this.arm(false);
  }

  async stop(): Promise<void> {
    this.generation += 1;
    await this.disarm();
  }

  private async disarm(): Promise<void> {
    this.ancestorWatch?.close();
    this.ancestorWatch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sub = this.subscription;
    this.subscription = null;
    await sub?.unsubscribe().catch(() => undefined);
  }

  /** announce: report dir itself as changed once it is subscribed (it just appeared). Never rejects. */
  private async arm(announce: boolean): Promise<void> {
    const gen = ++this.generation;
    try {
      await this.disarm();
      if (await this.trySubscribe(gen, announce)) return;
      if (gen === this.generation) await this.watchAncestor(gen);
    } catch (err) {
      if (gen !== this.generation) return;
      this.handlers.onProblem(`cannot watch ${this.dir} (${String(err)}), retrying in ${RETRY_MS / 1000} s`);
      this.timer = setTimeout(() => void this.arm(true), RETRY_MS);
    }
  }

  /** True when dir is subscribed to now (or this arming is already stale). */
  private async trySubscribe(gen: number, announce: boolean): Promise<boolean> {
    if (!(await isDirectory(this.dir))) return false;
    const sub = await this.subscribe(gen);
    if (gen !== this.generation) {
      await sub?.unsubscribe().catch(() => undefined);
      return true;
    }
    this.subscription = sub;
    if (sub && announce) this.handlers.onChange(this.dir);
    return sub !== null;
  }

  private async subscribe(gen: number): Promise<AsyncSubscription | null> {
    try {
      return await watcher.subscribe(
        this.dir,
        (err, events) => {
          if (gen !== this.generation) return;
          if (err) return this.onSubscriptionError(err);
          for (const e of events) this.handlers.onChange(e.path);
          // Gone: wait for it again; if it is already back, that is news too.
          if (events.some((e) => e.path === this.dir && e.type === 'delete')) void this.arm(true);
        },
        { backend: 'inotify' },
      );
    } catch {
      // Gone again between the stat and the subscription: wait for it below.
      return null;
    }
  }

  private onSubscriptionError(err: Error): void {
    this.handlers.onProblem(`watching ${this.dir} failed (${err.message}), re-reading it and watching again`);
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
