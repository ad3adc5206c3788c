// Choosing the sink when journald is not (really) there. These use real
// sockets, files and the real binding, but no journald: see
// test/integration/journald.test.ts for the cases with one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseLogSink, createLogger, parseLogMode } from '../../../src/journal/create-logger.js';
import { observeJournalSocket } from '../../../src/journal/observe-journal-socket.js';
import { Priority } from '../../../src/journal/types.js';
import { captureStream } from '../../helpers/capture-stream.js';
import { listenStream, makeStaleSocket } from '../../helpers/stale-socket.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfkeeper-logger-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const failure = {
  priority: Priority.err,
  message: 'Failed to bind VF 0000:02:08.1 to vfio-pci',
  fields: { VF_PCI_SLOT: '0000:02:08.1', ERRNO: 'ENODEV' },
};
const failureLine = '<3>Failed to bind VF 0000:02:08.1 to vfio-pci [VF_PCI_SLOT=0000:02:08.1 ERRNO=ENODEV]';
const failureForAPerson = 'error: Failed to bind VF 0000:02:08.1 to vfio-pci';
/** systemd connected stderr to journald (the test's stream stands for it). */
const underSystemd = { JOURNAL_STREAM: '8:12345' };

describe('observeJournalSocket', () => {
  it('tells a stale socket, a plain file, a missing path and a stream server apart', async () => {
    const stale = await makeStaleSocket(dir, 'stale.sock');
    await writeFile(join(dir, 'plain'), 'not a socket');
    const server = await listenStream(join(dir, 'stream.sock'));
    try {
      expect(await observeJournalSocket(stale)).toMatchObject({ state: 'stale', detail: expect.stringContaining('ECONNREFUSED') });
      expect(await observeJournalSocket(join(dir, 'plain'))).toMatchObject({ state: 'stale' });
      expect(await observeJournalSocket(join(dir, 'missing'))).toMatchObject({ state: 'absent' });
      expect(await observeJournalSocket(join(dir, 'stream.sock'))).toMatchObject({ state: 'not-journal' });
    } finally {
      server.close();
    }
  });
});

describe('createLogger without a listening journald', () => {
  it('falls back to stderr <N> lines when the socket file is stale and stderr goes to journald', async () => {
    const socketPath = await makeStaleSocket(dir, 'journal.sock');
    expect(await chooseLogSink({ env: {}, socketPath })).toMatchObject({ sink: 'stderr', reason: expect.stringContaining('ECONNREFUSED') });
    const out = captureStream();
    const logger = await createLogger({ env: underSystemd, socketPath, stream: out.stream });
    logger.log(failure);
    await logger.close();
    expect(out.lines()).toEqual([failureLine]);
  });

  it('falls back to one plain line per entry for a person when the socket path is a plain file or missing', async () => {
    await writeFile(join(dir, 'file.sock'), '');
    for (const socketPath of [join(dir, 'file.sock'), join(dir, 'nothing-here')]) {
      const out = captureStream();
      const logger = await createLogger({ env: {}, socketPath, stream: out.stream });
      logger.log(failure);
      logger.log({ priority: Priority.info, message: 'Bound 0000:02:08.1 to vfio-pci (was nfp_netvf)', fields: { VFKEEPER_RUN: 'r1' } });
      await logger.close();
      expect(out.lines()).toEqual([failureForAPerson, 'Bound 0000:02:08.1 to vfio-pci (was nfp_netvf)']);
    }
  });

  it('writes <N> lines to a person only when asked (VFKEEPER_LOG=stderr), and leaves out what the command prints itself', async () => {
    const socketPath = join(dir, 'nothing-here');
    const asked = captureStream();
    const logger = await createLogger({ env: { VFKEEPER_LOG: 'stderr' }, socketPath, stream: asked.stream });
    logger.log(failure);
    await logger.close();
    expect(asked.lines()).toEqual([failureLine]);
    const shown = captureStream();
    const omitOnTerminal = (e: { fields?: Record<string, unknown> }): boolean => e.fields?.['VFKEEPER_RUN'] !== undefined;
    const quiet = await createLogger({ env: {}, socketPath, stream: shown.stream, omitOnTerminal });
    quiet.log({ ...failure, fields: { ...failure.fields, VFKEEPER_RUN: 'r1' } });
    quiet.log({ priority: Priority.warning, message: 'Could not write the metrics file, ignoring' });
    await quiet.close();
    expect(shown.lines()).toEqual(['warning: Could not write the metrics file, ignoring']);
  });

  it('falls back, with a warning, when the journal is asked for but the binding does not load', async () => {
    const bindingPath = join(dir, 'journal_send.node');
    await writeFile(bindingPath, 'this is not a shared object');
    const out = captureStream();
    const logger = await createLogger({
      mode: 'journal',
      env: underSystemd,
      bindingPath,
      socketPath: join(dir, 'nothing-here'),
      stream: out.stream,
    });
    logger.log(failure);
    await logger.close();
    const [warning, line] = out.lines();
    expect(warning).toMatch(/^<4>the journal was asked for, but cannot load .*journal_send\.node.*; logging to stderr$/);
    expect(line).toBe(failureLine);
  });

  it('falls back, with a warning, when the journal is asked for but the binding is not installed', async () => {
    const choice = await chooseLogSink({ mode: 'journal', bindingPath: join(dir, 'absent.node') });
    expect(choice).toMatchObject({ sink: 'stderr', warning: expect.stringMatching(/absent\.node does not exist; logging to stderr$/) });
  });

  it('takes `journal` from VFKEEPER_LOG, and the mode option over it', async () => {
    const bindingPath = join(dir, 'absent.node');
    expect(await chooseLogSink({ env: { VFKEEPER_LOG: 'journal' }, bindingPath })).toHaveProperty('warning');
    expect(await chooseLogSink({ env: { VFKEEPER_LOG: 'journal' }, mode: 'stderr', bindingPath })).toEqual({
      sink: 'stderr',
      reason: 'stderr was asked for',
    });
  });

  it('warns about a VFKEEPER_LOG it does not know and goes on as auto', async () => {
    expect(parseLogMode('Journal')).toEqual({ mode: 'journal' });
    expect(parseLogMode(undefined)).toEqual({ mode: 'auto' });
    const out = captureStream();
    const logger = await createLogger({ env: { VFKEEPER_LOG: 'syslog' }, socketPath: join(dir, 'nothing-here'), stream: out.stream });
    await logger.close();
    expect(out.lines()).toEqual(['warning: VFKEEPER_LOG=syslog is not one of auto, journal, stderr; using auto']);
  });
});
