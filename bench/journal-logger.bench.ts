// What logging costs the caller, as figures (asserted nowhere):
//   npx vitest bench --run bench/journal-logger.bench.ts
// Starts journald when the machine has none (test/helpers/journald.ts).
// Also prints the resident memory the journal worker thread adds.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { benchOptions } from './lib/quick-options.js';
import { createLogger } from '../src/journal/create-logger.js';
import { createStderrLogger } from '../src/journal/stderr-logger.js';
import { Priority, type ClosableLogger, type LogEntry } from '../src/journal/types.js';
import { startJournald, type Journald } from '../test/helpers/journald.js';

const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
const step: LogEntry = {
  priority: Priority.notice,
  message: 'VF 0000:02:08.3 bound to vfio-pci',
  messageId: '0ff00b75bd954a6f8652f870ff93ca72',
  fields: {
    VFKEEPER_RUN: '6f1c2a0e8b5d4c7a9e3f1b2d4c6a8e0f',
    VFKEEPER_EVENT: 'udev',
    VFKEEPER_STEP: 'bind-driver',
    VFKEEPER_RESULT: 'ok',
    PCI_SLOT: '0000:02:00.0',
    VF_PCI_SLOT: '0000:02:08.3',
    DURATION_USEC: 412,
    VFKEEPER_BENCH: 'journal-logger',
  },
};

let journald: Journald;
let journal: ClosableLogger;
const stderr = createStderrLogger({ stream: sink });

beforeAll(async () => {
  journald = await startJournald();
  const before = process.memoryUsage().rss;
  journal = await createLogger({ env: {}, stream: sink });
  await new Promise((resolve) => setTimeout(resolve, 200));
  const mib = (process.memoryUsage().rss - before) / 1048576;
  console.log(`journal logger (worker thread) adds ${mib.toFixed(1)} MiB RSS`);
});

afterAll(async () => {
  await journal.close();
  await journald.close();
});

describe('journal logger', () => {
  bench(
    'log() of one step entry (the caller’s cost; the send happens on the worker)',
    () => {
      journal.log(step);
    },
    benchOptions,
  );

  bench(
    'log() + flush() of one entry (round trip through the worker to journald)',
    async () => {
      journal.log(step);
      await journal.flush();
    },
    benchOptions,
  );

  bench(
    '100 entries, then flush()',
    async () => {
      for (let i = 0; i < 100; i++) journal.log(step);
      await journal.flush();
    },
    benchOptions,
  );
});

describe('stderr logger', () => {
  bench(
    'log() of one step entry to a stream',
    () => {
      stderr.log(step);
    },
    benchOptions,
  );
});
