// The relay numbers given out with `relays: auto`, kept in one JSON file of
// the host's state directory (host-state.ts): {"version":1,"relays":{VF:N}}.
// Written atomically (a temporary file renamed over it), so a crash leaves
// the old record or the new one. Fail closed: an absent file is an empty
// record; one that cannot be read or parsed is an error, and the planner
// then does no relay work rather than hand out numbers again.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isAbsent } from '../model/errno.js';
import { comparePci, isPciAddress, parsePciAddress, type PciAddress } from '../model/pci.js';
import { isVirtioId } from '../model/relay-number.js';
import { HostError } from './host-error.js';
import type { RelayNumberStore } from './types.js';

export function createRelayNumberFile(file: string): RelayNumberStore {
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (e) {
        if (isAbsent(e)) return new Map();
        throw new HostError('ERR_RELAY_NUMBERS', `Could not read the relay numbers in ${file}: ${(e as Error).message}`, {
          path: file,
          cause: e,
        });
      }
      return parseRelayNumbers(file, text);
    },
    async write(numbers) {
      await mkdir(dirname(file), { recursive: true, mode: 0o755 });
      const tmp = `${file}.${process.pid}.tmp`;
      const sorted = [...numbers].sort(([a], [b]) => comparePci(a, b));
      await writeFile(tmp, `${JSON.stringify({ version: 1, relays: Object.fromEntries(sorted) }, null, 1)}\n`, { mode: 0o644 });
      await rename(tmp, file);
    },
  };
}

/** A store kept in memory only (a simulated host made by a test or the demo). */
export function createMemoryRelayNumbers(): RelayNumberStore {
  let kept = new Map<PciAddress, number>();
  return {
    read: async () => new Map(kept),
    write: async (numbers) => void (kept = new Map(numbers)),
  };
}

export function parseRelayNumbers(file: string, text: string): Map<PciAddress, number> {
  const bad = (why: string) =>
    new HostError('ERR_RELAY_NUMBERS', `${file} is not a relay number record: ${why}`, {
      path: file,
      hint: `move it aside (relay numbers are then given out again from 1, and relays may move): mv ${file} ${file}.bad`,
    });
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const relays = typeof doc === 'object' && doc !== null && 'version' in doc && doc.version === 1 && 'relays' in doc ? doc.relays : null;
  if (typeof relays !== 'object' || relays === null || Array.isArray(relays)) throw bad('expected {"version":1,"relays":{...}}');
  const out = new Map<PciAddress, number>();
  for (const [vf, n] of Object.entries(relays)) {
    if (!isPciAddress(vf) || parsePciAddress(vf) !== vf || typeof n !== 'number' || !isVirtioId(n))
      throw bad(`"${vf}": ${String(n)} is not a VF and a relay number`);
    out.set(vf as PciAddress, n);
  }
  return out;
}
