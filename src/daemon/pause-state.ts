// The maintenance switch, kept in a file so it survives a daemon restart
// (and works with no daemon running): while paused, events are logged and
// nothing is changed.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface PauseState {
  paused: boolean;
  reason: string | null;
  since: string | null;
}

export const NOT_PAUSED: PauseState = { paused: false, reason: null, since: null };

export async function readPauseState(file: string): Promise<PauseState> {
  try {
    const s = JSON.parse(await readFile(file, 'utf8')) as Partial<PauseState>;
    return s.paused === true
      ? { paused: true, reason: typeof s.reason === 'string' ? s.reason : null, since: typeof s.since === 'string' ? s.since : null }
      : NOT_PAUSED;
  } catch {
    return NOT_PAUSED;
  }
}

export async function writePauseState(file: string, state: PauseState): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(state)}\n`, { mode: 0o644 });
  await rename(tmp, file);
}
