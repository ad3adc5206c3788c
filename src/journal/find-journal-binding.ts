// Where the native part of the `systemd-journald` package is. We use its raw
// send(priority, "NAME=value", ...), which returns 0 or -errno, and not the
// package's log(), which drops that value: the only sign that journald
// refused an entry. It is loaded on the journal worker only (see
// journal-worker.ts); here we only find the file.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

export type JournalBinding = { ok: true; path: string } | { ok: false; reason: string };

const BINDING_MODULE = 'systemd-journald/build/Release/journal_send.node';

/** The binding at `path`, default the installed package's, if the file is there. */
export function findJournalBinding(path?: string): JournalBinding {
  try {
    const resolved = path ?? createRequire(import.meta.url).resolve(BINDING_MODULE);
    if (!existsSync(resolved)) return { ok: false, reason: `the journald binding ${resolved} does not exist` };
    return { ok: true, path: resolved };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return { ok: false, reason: `the journald binding ${BINDING_MODULE} is not installed: ${message}` };
  }
}
