// units/vfkeeper.catalog as systemd reads it: journalctl builds a database
// from it and lists every id. All under a temporary --root, never the
// machine's catalog.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MESSAGE_KEYS, messageIdFor } from '../../src/journal/message-ids.js';
import { CATALOG_SOURCE, installCatalog, listCatalog } from '../helpers/catalog-root.js';

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('the catalog under journalctl', () => {
  it('builds with journalctl --update-catalog, and --list-catalog lists every id with its subject', async () => {
    const { root } = await installCatalog();
    roots.push(root);
    const listed = await listCatalog(root);
    const missing = MESSAGE_KEYS.filter((key) => !listed.has(messageIdFor(key)));
    expect(missing).toEqual([]);
    expect(listed.size).toBe(MESSAGE_KEYS.length);
    expect(listed.get(messageIdFor('step.set-numvfs.failed.EBUSY'))).toBe(
      'vfkeeper: VF count of PF @PCI_SLOT@ not changed: device busy (EBUSY)',
    );
  });

  it('loses an entry whose id line is damaged, which the listing above would show', async () => {
    // journalctl reads a bad id line as more body text of the entry before:
    // the build succeeds, and only the listing shows the id is gone.
    const text = await readFile(CATALOG_SOURCE, 'utf8');
    const broken = join(tmpdir(), `vfkeeper-broken-${process.pid}.catalog`);
    await writeFile(broken, text.replace(`-- ${messageIdFor('pf.stuck')}`, '-- a0630119a2874784'));
    try {
      const { root } = await installCatalog(broken);
      roots.push(root);
      const listed = await listCatalog(root);
      expect(listed.has(messageIdFor('pf.stuck'))).toBe(false);
      expect(listed.size).toBe(MESSAGE_KEYS.length - 1);
    } finally {
      await rm(broken, { force: true });
    }
  });
});
