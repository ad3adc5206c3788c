// The journald logger against a real systemd-journald (test/helpers/journald.ts
// starts one when the machine has none). All tests that need journald live in
// this file: there is one journald per machine.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseLogSink, createLogger } from '../../src/journal/create-logger.js';
import { messageIdFor } from '../../src/journal/message-ids.js';
import { JOURNAL_SOCKET } from '../../src/journal/observe-journal-socket.js';
import { Priority } from '../../src/journal/types.js';
import { installCatalog } from '../helpers/catalog-root.js';
import { captureStream } from '../helpers/capture-stream.js';
import { startJournald, type Journald } from '../helpers/journald.js';
import { runWithPrivateMount } from '../helpers/private-mount.js';
import { queryJournal, readJournal } from '../helpers/read-journal.js';
import { waitFor } from '../helpers/wait-for.js';

/** As under systemd: stderr is journald's (JOURNAL_STREAM), so the fallback writes `<N>` lines. */
const UNDER_SYSTEMD = { JOURNAL_STREAM: '8:1' };

let journald: Journald;
let scratch: string;

beforeAll(async () => {
  journald = await startJournald();
  scratch = await mkdtemp(join(tmpdir(), 'vfkeeper-journal-test-'));
});

afterAll(async () => {
  await journald?.close();
  if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
});

/** A field value no other entry in the journal has. */
const uniqueTag = (): string => randomUUID().replaceAll('-', '');

describe('the journald logger', () => {
  it('is chosen when journald listens, and every field comes back from journalctl -o json', async () => {
    expect((await chooseLogSink({ env: {} })).sink).toBe('journal');
    const stderr = captureStream();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream });
    const tag = uniqueTag();
    logger.log({
      priority: Priority.err,
      message: 'Failed to set sriov_numvfs on 0000:02:00.0: Device or resource busy',
      messageId: messageIdFor('step.set-numvfs.failed.EBUSY'),
      fields: {
        VFKEEPER_TEST: tag,
        VFKEEPER_RUN: 'run-1',
        VFKEEPER_EVENT: 'udev:bind',
        VFKEEPER_STEP: 'set-numvfs',
        VFKEEPER_RESULT: 'failed',
        PCI_SLOT: '0000:02:00.0',
        VF_PCI_SLOT: null,
        NETDEV: 'enp2s0np0',
        VIRTIO_ID: 1,
        ERRNO: 'EBUSY',
        DURATION_USEC: 1234n,
        VFKEEPER_FORCED: false,
        'vf-index': 3,
        VFKEEPER_WHY: 'numvfs 8, want 16\nVFs in use',
        VFKEEPER_GONE: undefined,
      },
    });
    await logger.close();
    const [entry] = await readJournal(journald, [`VFKEEPER_TEST=${tag}`], 1);
    expect(entry).toMatchObject({
      SYSLOG_IDENTIFIER: 'vfkeeper',
      PRIORITY: '3',
      MESSAGE: 'Failed to set sriov_numvfs on 0000:02:00.0: Device or resource busy',
      MESSAGE_ID: '41fd9c156da34836bc811be1ca23c5e6',
      VFKEEPER_RUN: 'run-1',
      VFKEEPER_EVENT: 'udev:bind',
      VFKEEPER_STEP: 'set-numvfs',
      VFKEEPER_RESULT: 'failed',
      PCI_SLOT: '0000:02:00.0',
      NETDEV: 'enp2s0np0',
      VIRTIO_ID: '1',
      ERRNO: 'EBUSY',
      DURATION_USEC: '1234',
      VFKEEPER_FORCED: 'false',
      VF_INDEX: '3',
      VFKEEPER_WHY: 'numvfs 8, want 16\nVFs in use',
    });
    expect(entry).not.toHaveProperty('VF_PCI_SLOT');
    expect(entry).not.toHaveProperty('VFKEEPER_GONE');
    expect(stderr.text()).toBe('');
  });

  it('puts the entries of a one-off run (a hook with no daemon) under journalctl -u vfkeeper.service, and only those', async () => {
    const tag = uniqueTag();
    for (const aboutUnit of ['vfkeeper.service', undefined]) {
      const logger = await createLogger({ env: {}, stream: captureStream().stream, ...(aboutUnit === undefined ? {} : { aboutUnit }) });
      logger.log({ priority: Priority.info, message: `about ${aboutUnit ?? 'nothing'}`, fields: { VFKEEPER_TEST: tag } });
      await logger.close();
    }
    await readJournal(journald, [`VFKEEPER_TEST=${tag}`], 2);
    const underUnit = await queryJournal(journald, ['-u', 'vfkeeper.service', `VFKEEPER_TEST=${tag}`]);
    expect(underUnit.map((e) => e.MESSAGE)).toEqual(['about vfkeeper.service']);
  });

  it('keeps the order of a burst of entries', async () => {
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: captureStream().stream });
    const tag = uniqueTag();
    for (let i = 0; i < 200; i++) logger.log({ priority: Priority.info, message: `entry ${i}`, fields: { VFKEEPER_TEST: tag, SEQ: i } });
    await logger.close();
    const entries = await readJournal(journald, [`VFKEEPER_TEST=${tag}`], 200);
    expect(entries.map((e) => e.SEQ)).toEqual(Array.from({ length: 200 }, (_, i) => String(i)));
  });

  it('mirrors entries at least as severe as asked to stderr, and only those', async () => {
    const stderr = captureStream();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream, mirror: Priority.warning });
    const tag = uniqueTag();
    logger.log({ priority: Priority.warning, message: 'relay 3 has no VF', fields: { VFKEEPER_TEST: tag, VIRTIO_ID: 3 } });
    logger.log({ priority: Priority.info, message: 'VF 0000:02:08.0 bound to vfio-pci', fields: { VFKEEPER_TEST: tag } });
    await logger.close();
    expect(await readJournal(journald, [`VFKEEPER_TEST=${tag}`], 2)).toHaveLength(2);
    expect(stderr.lines()).toEqual([`<4>relay 3 has no VF [VFKEEPER_TEST=${tag} VIRTIO_ID=3]`]);
  });

  it('writes to stderr when VFKEEPER_LOG=stderr, although journald listens', async () => {
    const stderr = captureStream();
    const logger = await createLogger({ env: { VFKEEPER_LOG: 'stderr' }, stream: stderr.stream });
    const tag = uniqueTag();
    logger.log({ priority: Priority.notice, message: 'daemon ready', fields: { VFKEEPER_TEST: tag } });
    await logger.close();
    expect(stderr.lines()).toEqual([`<5>daemon ready [VFKEEPER_TEST=${tag}]`]);
    expect(await queryJournal(journald, [`VFKEEPER_TEST=${tag}`])).toEqual([]);
  });
});

describe('when the binding cannot be used', () => {
  it('falls back to stderr, with a warning, although journald listens', async () => {
    const bindingPath = join(scratch, 'journal_send.node');
    await writeFile(bindingPath, 'not a shared object');
    const stderr = captureStream();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream, bindingPath });
    logger.log({ priority: Priority.err, message: 'relay 2: no VF', fields: { VIRTIO_ID: 2 } });
    await logger.close();
    const [warning, line] = stderr.lines();
    expect(warning).toMatch(
      /^<4>journald listens on \/run\/systemd\/journal\/socket, but cannot load .*journal_send\.node.*; logging to stderr$/,
    );
    expect(line).toBe('<3>relay 2: no VF [VIRTIO_ID=2]');
  });

  it('is one journal logger per process: a second one, while the first is open, logs to stderr and says so', async () => {
    const first = await createLogger({ env: UNDER_SYSTEMD, stream: captureStream().stream });
    const stderr = captureStream();
    const second = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream });
    second.log({ priority: Priority.info, message: 'from the second' });
    await Promise.all([first.close(), second.close()]);
    expect(stderr.lines()).toEqual([
      expect.stringMatching(/^<4>journald listens on .*, but cannot load .*Module did not self-register.*; logging to stderr$/),
      '<6>from the second',
    ]);
  });
});

describe('when journald goes away', () => {
  const entry = (tag: string, message: string, priority: Priority = Priority.err) => ({
    priority,
    message,
    fields: { VFKEEPER_TEST: tag },
  });

  it('writes to stderr once the socket file is gone (the binding alone would report success)', async () => {
    const socketPath = join(scratch, 'journal.socket');
    await symlink(JOURNAL_SOCKET, socketPath);
    const stderr = captureStream();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream, socketPath });
    const tag = uniqueTag();
    logger.log(entry(tag, 'before'));
    await logger.flush();
    await unlink(socketPath);
    logger.log(entry(tag, 'after'));
    await logger.close();
    expect(stderr.lines()).toEqual([
      '<4>journald is not taking entries (sending failed with ENOENT); logging to stderr until it is back',
      `<3>after [VFKEEPER_TEST=${tag}]`,
    ]);
    await expectInJournalOnly(tag, ['before']);
  });

  it('writes to stderr when journald stops (its socket left stale), and goes back when it returns', async (ctx) => {
    if (!journald.owned) ctx.skip();
    const stderr = captureStream();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream, retryMs: 50 });
    const tag = uniqueTag();
    logger.log(entry(tag, 'before'));
    await logger.flush();
    await journald.stopDaemon();
    try {
      logger.log(entry(tag, 'while stopped'));
      await logger.flush();
      expect(stderr.lines()).toEqual([
        '<4>journald is not taking entries (sending failed with ECONNREFUSED); logging to stderr until it is back',
        `<3>while stopped [VFKEEPER_TEST=${tag}]`,
      ]);
    } finally {
      await journald.startDaemon();
    }
    // The logger looks again on the next entry at least retryMs after the failure.
    await waitFor(async () => {
      logger.log(entry(tag, 'probe', Priority.debug));
      await logger.flush();
      return stderr.text().includes('<5>journald is taking entries again; logging to the journal');
    }, 'the logger to go back to the journal');
    logger.log(entry(tag, 'after'));
    await logger.close();
    const messages = (await readJournal(journald, [`VFKEEPER_TEST=${tag}`, 'MESSAGE=after'], 1)).map((e) => e.MESSAGE);
    expect(messages).toEqual(['after']);
    expect((await queryJournal(journald, [`VFKEEPER_TEST=${tag}`, 'MESSAGE=while stopped'])).length).toBe(0);
  });

  it('moves entries to stderr when journald stops reading, without blocking the caller', async (ctx) => {
    if (!journald.owned) ctx.skip();
    // Past this many queued datagrams the kernel blocks the sender.
    const count = Number(readFileSync('/proc/sys/net/unix/max_dgram_qlen', 'utf8')) + 20;
    const stderr = captureStream();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: stderr.stream, stallMs: 300 });
    const tag = uniqueTag();
    journald.freeze(true);
    try {
      for (let i = 0; i < count; i++)
        logger.log({ priority: Priority.info, message: `entry ${i}`, fields: { VFKEEPER_TEST: tag, SEQ: i } });
      await logger.flush();
    } finally {
      journald.freeze(false);
    }
    const [notice, ...lines] = stderr.lines();
    expect(notice).toMatch(/^<4>journald is not taking entries \(no answer for \d+ ms\); logging to stderr until it is back$/);
    const onStderr = lines.map((line) => Number(/ SEQ=(\d+)\]$/.exec(line)?.[1]));
    expect(onStderr.length).toBeGreaterThan(0);
    // Once journald reads again the stuck send completes; nothing is lost.
    await logger.close();
    const all = Array.from({ length: count }, (_, i) => i);
    await waitFor(async () => {
      const seen = new Set([...onStderr, ...(await queryJournal(journald, [`VFKEEPER_TEST=${tag}`])).map((e) => Number(e.SEQ))]);
      return all.every((i) => seen.has(i));
    }, 'every entry in the journal or on stderr');
  });
});

describe('the catalog in journalctl -x', () => {
  it('explains a failure entry with its cause and fix, fields filled in', async () => {
    const { root, databaseDir } = await installCatalog();
    const logger = await createLogger({ env: UNDER_SYSTEMD, stream: captureStream().stream });
    const tag = uniqueTag();
    logger.log({
      priority: Priority.err,
      message: 'Failed to set the VF count of 0000:02:00.0 to 16: Device or resource busy',
      messageId: messageIdFor('step.set-numvfs.failed.EBUSY'),
      fields: { VFKEEPER_TEST: tag, PCI_SLOT: '0000:02:00.0', ERRNO: 'EBUSY' },
    });
    await logger.close();
    await readJournal(journald, [`VFKEEPER_TEST=${tag}`], 1);
    // -x reads /var/lib/systemd/catalog/database only; show it ours in a private mount.
    const argv = ['journalctl', ...journald.journalArgs, '-x', '--no-pager', '-o', 'short', `VFKEEPER_TEST=${tag}`];
    const out = await runWithPrivateMount({ from: databaseDir, over: '/var/lib/systemd/catalog' }, argv);
    await rm(root, { recursive: true, force: true });
    expect(out.stderr).toBe('');
    expect(out.stdout).toContain('Failed to set the VF count of 0000:02:00.0 to 16: Device or resource busy');
    expect(out.stdout).toContain('Subject: VF count of PF 0000:02:00.0 not changed: device busy (EBUSY)');
    expect(out.stdout).toMatch(/the kernel takes a new count only after 0 was written/);
  });
});

/** Waits until `expected` messages of `tag` are in the journal, then checks they are all there is. */
async function expectInJournalOnly(tag: string, expected: string[]): Promise<void> {
  const entries = await readJournal(journald, [`VFKEEPER_TEST=${tag}`], expected.length);
  expect(entries.map((e) => e.MESSAGE)).toEqual(expected);
}

describe('a reconcile run in the journal', () => {
  const cli = async (args: string[]) => {
    const { vfkeeperAsync } = await import('../helpers/cli.js');
    return vfkeeperAsync(args, { env: { VFKEEPER_LOG: 'auto' } });
  };

  it('is one entry per step with its structured fields, plus the run start and end', async () => {
    const state = join(scratch, 'h.json');
    await writeFile(state, (await cli(['sim', 'init', '--vfs', '4'])).stdout);
    await writeFile(join(scratch, 'c.yaml'), 'forwarder: { enabled: false }\n');
    const r = await cli(['reconcile', '--json', '--simulate', state, '--config', join(scratch, 'c.yaml')]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { run: string; steps: Array<{ kind: string; target: string }> };
    const entries = await readJournal(journald, [`VFKEEPER_RUN=${report.run}`], report.steps.length + 2);
    expect(entries.every((e) => e['SYSLOG_IDENTIFIER'] === 'vfkeeper' && /^[0-9a-f]{32}$/.test(String(e['MESSAGE_ID'])))).toBe(true);
    const steps = entries.filter((e) => e['VFKEEPER_STEP'] !== undefined);
    expect(steps.map((e) => e['VFKEEPER_STEP'])).toEqual(report.steps.map((s) => s.kind));
    for (const e of steps) {
      expect(e).toMatchObject({ VFKEEPER_RESULT: 'ok', VFKEEPER_EVENT: 'cli', DURATION_USEC: expect.stringMatching(/^\d+$/) });
      // Every step names its PF, but loading vfio-pci, which is host-wide.
      if (e['VFKEEPER_STEP'] !== 'load-module') expect(e['PCI_SLOT']).toBe('0000:02:00.0');
    }
    const bind = steps.find((e) => e['VFKEEPER_STEP'] === 'bind-driver');
    expect(bind).toMatchObject({ VF_PCI_SLOT: '0000:02:08.0', MESSAGE: 'Bound 0000:02:08.0 to vfio-pci (was unbound)' });
    expect(entries.map((e) => e['MESSAGE_ID'])).toContain(messageIdFor('run.end'));
  });

  it('logs a failing step once, with its error and a MESSAGE_ID the catalog explains', async () => {
    // A count above sriov_totalvfs (ERANGE) is refused when planning now; a VF with no IOMMU group fails its bind.
    const state = join(scratch, 'h2.json');
    const sim = JSON.parse((await cli(['sim', 'init', '--vfs', '1'])).stdout) as { iommu: boolean };
    await writeFile(state, JSON.stringify({ ...sim, iommu: false }));
    await writeFile(join(scratch, 'c9.yaml'), 'forwarder: { enabled: false }\npfs:\n  - match: { netdev: enp2s0np0 }\n');
    const r = await cli(['reconcile', '--json', '--simulate', state, '--config', join(scratch, 'c9.yaml')]);
    expect(r.status).toBe(1);
    const run = (JSON.parse(r.stdout) as { run: string }).run;
    const [failed, ...more] = await readJournal(journald, [`VFKEEPER_RUN=${run}`, 'VFKEEPER_RESULT=failed'], 1);
    expect(more).toEqual([]);
    expect(failed).toMatchObject({
      PRIORITY: '3',
      VFKEEPER_STEP: 'bind-driver',
      VFKEEPER_ERROR: 'ERR_NO_IOMMU_GROUP',
      MESSAGE_ID: messageIdFor('step.bind-driver.failed.ERR_NO_IOMMU_GROUP'),
    });
    const catalog = readFileSync(new URL('../../units/vfkeeper.catalog', import.meta.url), 'utf8');
    expect(catalog).toContain(`-- ${messageIdFor('step.bind-driver.failed.ERR_NO_IOMMU_GROUP')}`);
  });
});
