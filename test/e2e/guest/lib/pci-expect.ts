// Waits for the PCI states scenarios expect, each with a deadline, each
// naming what it waited for when it times out.
import { join } from 'node:path';
import { VfkeeperError } from '../../../../src/model/errors.js';
import { devicePath, isPresent, readAttribute, readDriver, readIommuGroup, readVirtfns } from './sysfs.js';
import { waitFor } from './wait.js';
import { isDeepStrictEqual } from 'node:util';

export interface VfBinding {
  pci: string;
  iommuGroup: string;
}

/** The PF's `count` VFs, present with the given vendor:device id. */
export function waitForVfs(pf: string, count: number, id: string, timeoutMs: number): Promise<string[]> {
  return waitFor(
    async () => {
      const vfs = await readVirtfns(pf);
      if (vfs.length !== count) return undefined;
      const ids = await Promise.all(vfs.map(async (vf) => `${await readAttribute(vf, 'vendor')}:${await readAttribute(vf, 'device')}`));
      return ids.every((i) => i === id) ? vfs : undefined;
    },
    { what: `${count} VFs of ${pf} with id ${id}`, timeoutMs },
  );
}

/** Every VF bound to `driver`; for vfio-pci also its /dev/vfio/<group> node. */
export function waitForBound(vfs: readonly string[], driver: string, timeoutMs: number): Promise<VfBinding[]> {
  return waitFor(
    async () => {
      const bound = await Promise.all(
        vfs.map(async (pci) => {
          if ((await readDriver(pci)) !== driver) return undefined;
          const iommuGroup = await readIommuGroup(pci);
          const node = driver === 'vfio-pci' ? await isPresent(join('/dev/vfio', iommuGroup)) : true;
          return node ? { pci, iommuGroup } : undefined;
        }),
      );
      return bound.every((b) => b !== undefined) ? bound.filter((b) => b !== undefined) : undefined;
    },
    { what: `${vfs.join(', ')} on ${driver}`, timeoutMs },
  );
}

/** The VFs and their /dev/vfio nodes gone, and the PF's count back at 0. */
export function waitForVfsGone(pf: string, gone: readonly VfBinding[], timeoutMs: number): Promise<true> {
  return waitFor(
    async () => {
      if ((await readVirtfns(pf)).length !== 0 || (await readAttribute(pf, 'sriov_numvfs')) !== '0') return undefined;
      for (const vf of gone) {
        if ((await isPresent(devicePath(vf.pci))) || (await isPresent(join('/dev/vfio', vf.iommuGroup)))) return undefined;
      }
      return true;
    },
    { what: `the VFs of ${pf} and their /dev/vfio nodes to go`, timeoutMs },
  );
}

/** Throws unless `actual` equals `expected`, naming the subject. */
/** Equal by value (arrays and objects too, as node:util compares them). */
export function expectEqual<T>(subject: string, actual: T, expected: T): void {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new VfkeeperError('ERR_E2E_EXPECT', `${subject}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}
