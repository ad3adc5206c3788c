// units/vfkeeper.catalog and src/journal/message-ids.ts must agree: every
// id has exactly one entry, every entry belongs to an id, and each entry is
// complete. This is the guard that keeps the two in step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGE_KEYS, messageIdFor, messageKeyFor } from '../../../src/journal/message-ids.js';
import { parseCatalog } from '../../helpers/parse-catalog.js';

const catalogPath = new URL('../../../units/vfkeeper.catalog', import.meta.url);
const entries = parseCatalog(readFileSync(catalogPath, 'utf8'));

// Fields vfkeeper's entries carry (the reconciler's step and refusal entries);
// a @NAME@ outside this list is a typo that journalctl would print as NAME.
const KNOWN_FIELDS = new Set([
  'PCI_SLOT',
  'VF_PCI_SLOT',
  'NETDEV',
  'VIRTIO_ID',
  'SOCKET_PATH',
  'FIRMWARE_LINK',
  'KERNEL_RELEASE',
  'ERRNO',
  'VFKEEPER_RUN',
  'VFKEEPER_EVENT',
  'VFKEEPER_WHY',
  'VFKEEPER_ERROR',
  'VFKEEPER_HINT',
]);

describe('units/vfkeeper.catalog', () => {
  it('has one entry for every message id', () => {
    const ids = entries.map((e) => e.id);
    const missing = MESSAGE_KEYS.filter((key) => !ids.includes(messageIdFor(key)));
    expect(missing).toEqual([]);
  });

  it('has no entry for an id that is not ours, and no id twice', () => {
    expect(entries.filter((e) => messageKeyFor(e.id) === undefined).map((e) => `line ${e.line}: ${e.id}`)).toEqual([]);
    const seen = entries.map((e) => e.id);
    expect(seen.filter((id, i) => seen.indexOf(id) !== i)).toEqual([]);
  });

  it('labels each entry with the key its id belongs to', () => {
    const wrong = entries
      .filter((e) => e.label !== messageKeyFor(e.id))
      .map((e) => `line ${e.line}: "${e.label}" is ${messageKeyFor(e.id)}`);
    expect(wrong).toEqual([]);
  });

  it.each(entries.map((e) => [e.label ?? e.id, e] as const))('%s has every header and a body', (_label, entry) => {
    expect(entry.headers).toEqual({
      Subject: expect.any(String),
      'Defined-By': 'vfkeeper',
      Support: expect.any(String),
      Documentation: expect.stringMatching(/^(?:(?:https:\/\/|man:)\S+ ?)+$/),
    });
    expect(entry.body.length).toBeGreaterThan(80);
  });

  it('substitutes only fields that vfkeeper sets', () => {
    const used = entries.flatMap((e) => [...`${e.headers.Subject ?? ''}\n${e.body}`.matchAll(/@([A-Z0-9_]+)@/g)].map((m) => m[1]));
    expect(used.filter((name) => name === undefined || !KNOWN_FIELDS.has(name))).toEqual([]);
  });

  it('gives each failure with a known cause its cause and fix', () => {
    const body = (key: string): string => entries.find((e) => e.id === messageIdFor(key))?.body ?? '';
    expect(body('step.set-numvfs.failed.EBUSY')).toMatch(/only after 0 was written/);
    expect(body('step.set-numvfs.failed.ERANGE')).toMatch(/sriov_totalvfs/);
    expect(body('step.set-numvfs.failed.ENOENT')).toMatch(/no driver is bound/i);
    expect(body('step.set-numvfs.failed.ENOMEM')).toMatch(/PCI SR-IOV:-12[\s\S]*BIOS[\s\S]*pci=realloc/);
    expect(body('step.set-numvfs.failed.ENOSPC')).toMatch(/MSI-X/);
    expect(body('step.bind-driver.failed.ERR_NO_IOMMU_GROUP')).toMatch(/intel_iommu=on iommu=pt[\s\S]*update-grub/);
    expect(body('refusal.blocked.ERR_FIRMWARE_NOT_SRIOV')).toMatch(/vfkeeper firmware --fix[\s\S]*nic-sriov[\s\S]*modprobe -r nfp/);
    expect(body('forwarder.unreachable')).toMatch(/systemctl status virtio-forwarder[\s\S]*VIRTIOFWD_IPC_PORT_CONTROL/);
  });
});
