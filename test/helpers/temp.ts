// Temporary directories, always under os.tmpdir(); the test removes them after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempDir {
  dir: string;
  /** `name` inside the directory. */
  path(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'vfk-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
