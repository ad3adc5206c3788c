// VFs the forwarder attaches by itself at start (VIRTIOFWD_STATIC_VFS in
// /etc/default/virtioforwarder): "<PCI>=<virtio_id>" pairs, as a bash array
// "(0000:05:08.1=1 0000:05:08.2=2)" or a single pair. They and their relays
// are the forwarder's, not vfkeeper's. Pure parsing; the file is read at the
// edge (src/host/static-vfs-file.ts).
import { parseShellValue, type EnvFile } from './env-file.js';
import { isPciAddress, parsePciAddress, type PciAddress } from './pci.js';
import { MAX_VIRTIO_ID } from './relay-number.js';

export const STATIC_VFS_KEY = 'VIRTIOFWD_STATIC_VFS';

export interface StaticVf {
  pci: PciAddress;
  virtioId: number;
}

/** What a run knows of the list: its entries, or why it cannot be trusted (then nothing relay-wise is done). */
export interface ObservedStaticVfs {
  /** The forwarder's environment file, e.g. /etc/default/virtioforwarder. */
  file: string;
  entries: StaticVf[];
  /** Why the list could not be read or parsed (an absent file or key is an empty list); null when it could. */
  error: string | null;
}

export type StaticVfsParse = { ok: true; entries: StaticVf[] } | { ok: false; error: string };

/** The list in an environment file; a line of the key that sh would not take as one assignment is an error, not an empty list. */
export function parseStaticVfsOf(env: EnvFile): StaticVfsParse {
  const broken = env.problems.find((p) =>
    p.text
      .trim()
      .replace(/^export\s+/, '')
      .startsWith(`${STATIC_VFS_KEY}=`),
  );
  if (broken !== undefined) {
    return { ok: false, error: `line ${broken.line} "${broken.text.trim()}" is not one assignment on one line` };
  }
  const value = env.vars.get(STATIC_VFS_KEY);
  return value === undefined ? { ok: true, entries: [] } : parseStaticVfs(value);
}

/** "(0000:05:08.1=1 0000:05:08.2=2)", "0000:05:08.1=1", "()" or "". */
export function parseStaticVfs(value: string): StaticVfsParse {
  const text = value.trim();
  if (text.startsWith('(') && !text.endsWith(')')) return { ok: false, error: `${STATIC_VFS_KEY}="${value}": the array has no closing )` };
  const inner = text.startsWith('(') ? text.slice(1, -1) : text;
  const entries: StaticVf[] = [];
  for (const raw of inner.split(/\s+/).filter((w) => w !== '')) {
    const word = parseShellValue(raw);
    const entry = word === null ? null : parsePair(word);
    if (entry === null) {
      return {
        ok: false,
        error: `${STATIC_VFS_KEY}="${value}": "${raw}" is not <PCI address>=<relay number 0-${MAX_VIRTIO_ID}> (e.g. 0000:05:08.1=1)`,
      };
    }
    const twice = entries.find((e) => e.pci === entry.pci || e.virtioId === entry.virtioId);
    if (twice !== undefined) {
      const what = twice.pci === entry.pci ? `VF ${entry.pci}` : `relay ${entry.virtioId}`;
      return { ok: false, error: `${STATIC_VFS_KEY}="${value}": ${what} is listed twice` };
    }
    entries.push(entry);
  }
  return { ok: true, entries };
}

function parsePair(word: string): StaticVf | null {
  const m = /^([^=]+)=(\d+)$/.exec(word);
  if (m?.[1] === undefined || m[2] === undefined || !isPciAddress(m[1])) return null;
  const virtioId = Number(m[2]);
  return virtioId > MAX_VIRTIO_ID ? null : { pci: parsePciAddress(m[1]), virtioId };
}

/** The static entry that holds this VF or this relay number, if any. */
export function findStatic(entries: readonly StaticVf[], by: { vf?: PciAddress | null; virtioId?: number }): StaticVf | undefined {
  return entries.find((e) => (by.vf != null && e.pci === by.vf) || (by.virtioId !== undefined && e.virtioId === by.virtioId));
}

/** "0000:05:08.1=1 0000:05:08.2=2", as the file writes them. */
export function formatStaticVfs(entries: readonly StaticVf[]): string {
  return entries.map((e) => `${e.pci}=${e.virtioId}`).join(' ');
}
