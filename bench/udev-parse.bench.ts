// udev record parsing cost: `npx vitest bench --run bench/udev-parse.bench.ts`.
// The per-event budget (design.md) is p50 <= 1 ms for the whole path; the
// parse is a small part of it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bench, describe } from 'vitest';
import { benchOptions } from './lib/quick-options.js';
import { UdevParser } from '../src/events/udev-parse.js';

const fixture = readFileSync(join(import.meta.dirname, '../test/fixtures/udev/vf-lifecycle.txt'), 'utf8');
const records = fixture.split('\n').slice(3).join('\n');
const burst = records.repeat(Math.ceil(1000 / 6)); // 1,002 records, 6 per copy

describe('udev output -> WakeEvents', () => {
  bench(
    'one burst of ~1,000 records in 4 KiB chunks',
    () => {
      const parser = new UdevParser();
      for (let i = 0; i < burst.length; i += 4096) parser.push(burst.slice(i, i + 4096));
      parser.end();
    },
    benchOptions,
  );

  bench(
    'one record',
    () => {
      const parser = new UdevParser();
      parser.push(records.slice(0, records.indexOf('\n\n') + 2));
    },
    benchOptions,
  );
});
