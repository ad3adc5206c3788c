// The initramfs step of `vfkeeper firmware --fix --initramfs` in-process:
// its journal entry (MESSAGE_ID, fields), the release it is given, and that
// away from the live host it runs only a program named explicitly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createFirmwareCommand } from '../../../src/cli/commands/firmware.js';
import { messageIdFor } from '../../../src/journal/message-ids.js';
import type { ClosableLogger, LogEntry } from '../../../src/journal/types.js';
import { capture } from '../../helpers/command-context.js';
import { writeFakeProgram } from '../../helpers/initramfs.js';
import { tempDir } from '../../helpers/temp.js';
import { useFixtureRoot, writeFirmwareTree } from '../doctor/fixture-host.js';

const host = useFixtureRoot((root) => writeFirmwareTree(root, 'nic'));

function recorder(): { entries: LogEntry[]; open: () => Promise<ClosableLogger> } {
  const entries: LogEntry[] = [];
  const logger: ClosableLogger = { log: (e) => void entries.push(e), flush: async () => undefined, close: async () => undefined };
  return { entries, open: async () => logger };
}

/** `firmware --fix --initramfs --root` with a fake update-initramfs that exits `status` (printing `stderr`). */
async function runWithFakeProgram(status = 0, stderr = '') {
  const t = tempDir();
  try {
    writeFakeProgram(t.path('update-initramfs'), t.path('argv'), status, stderr);
    const log = recorder();
    const command = createFirmwareCommand({
      updateInitramfs: t.path('update-initramfs'),
      kernelRelease: '6.1.0-18-amd64',
      openLogger: log.open,
    });
    const exit = await command.run(capture(['--fix', '--initramfs', '--root', host.root]).ctx);
    return { exit, argv: readFileSync(t.path('argv'), 'utf8'), entries: log.entries };
  } finally {
    t.remove();
  }
}

describe('firmware --fix --initramfs', () => {
  it('logs one entry with the refreshed MESSAGE_ID, the release and the result', async () => {
    const r = await runWithFakeProgram();
    expect(r.exit).toBe(0);
    expect(r.argv).toBe('-u\n-k\n6.1.0-18-amd64\n');
    expect(r.entries).toEqual([
      expect.objectContaining({
        priority: 5,
        messageId: messageIdFor('initramfs.refreshed'),
        fields: expect.objectContaining({ VFKEEPER_STEP: 'refresh-initramfs', KERNEL_RELEASE: '6.1.0-18-amd64', VFKEEPER_RESULT: 'ok' }),
      }),
    ]);
  });

  it('logs the failure with its own MESSAGE_ID and exits 1', async () => {
    const r = await runWithFakeProgram(3, 'E: mkinitramfs failure zstd 1');
    expect(r.exit).toBe(1);
    expect(r.entries).toEqual([
      expect.objectContaining({
        priority: 3,
        messageId: messageIdFor('initramfs.refresh-failed'),
        message: expect.stringContaining('E: mkinitramfs failure zstd 1'),
      }),
    ]);
  });

  it('with --simulate and no program named, refuses (exit 2) and logs nothing', async () => {
    const log = recorder();
    const c = capture(['--fix', '--initramfs']);
    c.ctx.globals.simulate = '/nonexistent/h.json';
    expect(await createFirmwareCommand({ openLogger: log.open }).run(c.ctx)).toBe(2);
    expect(c.err()).toContain('--initramfs with a simulated host or another sysfs tree would rebuild this machine');
    expect(log.entries).toEqual([]);
  });
});
