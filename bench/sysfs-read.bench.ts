// Reading sysfs attributes, the real adapter's way (src/host/real/attribute-file.ts:
// open/read/close on callbacks) against fs/promises' readFile, over this
// machine's own /sys/bus/pci/devices/*/{vendor,device,class,numa_node}
// (read only; nothing is written). A run's passes read a few hundred such
// files, and on the real kernel they are CPU-bound (bench/RESULTS.md 0g).
// `npx vitest bench --run bench/sysfs-read.bench.ts`: vitest prints each
// one's rate and how many times faster the first is, both in one run.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { bench, describe } from 'vitest';
import { benchOptions } from './lib/quick-options.js';
import { readAttribute } from '../src/host/real/attribute-file.js';

const DEVICES = '/sys/bus/pci/devices';
const paths = readdirSync(DEVICES)
  .slice(0, 16)
  .flatMap((d) => ['vendor', 'device', 'class', 'numa_node'].map((a) => `${DEVICES}/${d}/${a}`));

describe(`${paths.length} PCI attributes of this machine, one after another (as a PF's reads go)`, () => {
  bench(
    'readAttribute (open, read, close)',
    async () => {
      for (const p of paths) await readAttribute(p);
    },
    benchOptions,
  );
  bench(
    "fs/promises' readFile",
    async () => {
      for (const p of paths) await readFile(p, 'utf8');
    },
    benchOptions,
  );
});

describe(`${paths.length} PCI attributes of this machine, all at once (as a pass's devices go)`, () => {
  bench('readAttribute (open, read, close)', async () => void (await Promise.all(paths.map(readAttribute))), benchOptions);
  bench("fs/promises' readFile", async () => void (await Promise.all(paths.map((p) => readFile(p, 'utf8')))), benchOptions);
});
