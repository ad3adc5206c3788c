// A throw-away root with units/vfkeeper.catalog installed as `make install`
// would (usr/lib/systemd/catalog/) and its database built by
// `journalctl --root=ROOT --update-catalog`, which writes
// ROOT/var/lib/systemd/catalog/database, never the machine's.
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CATALOG_SOURCE = fileURLToPath(new URL('../../units/vfkeeper.catalog', import.meta.url));

export interface CatalogRoot {
  root: string;
  /** ROOT/var/lib/systemd/catalog, the directory holding the database. */
  databaseDir: string;
}

/** Installs the catalog under a new temporary root and builds its database; throws with journalctl's message if that fails. */
export async function installCatalog(source = CATALOG_SOURCE): Promise<CatalogRoot> {
  const root = await mkdtemp(join(tmpdir(), 'vfkeeper-catalog-'));
  try {
    const catalogDir = join(root, 'usr/lib/systemd/catalog');
    await mkdir(catalogDir, { recursive: true });
    await copyFile(source, join(catalogDir, 'vfkeeper.catalog'));
    await run('journalctl', [`--root=${root}`, '--update-catalog']);
    return { root, databaseDir: join(root, 'var/lib/systemd/catalog') };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}

/** `journalctl --root=ROOT --list-catalog`: one "id subject" per line. */
export async function listCatalog(root: string): Promise<Map<string, string>> {
  const { stdout } = await run('journalctl', [`--root=${root}`, '--list-catalog']);
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const match = /^([0-9a-f]{32}) (.*)$/.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) out.set(match[1], match[2]);
  }
  return out;
}
