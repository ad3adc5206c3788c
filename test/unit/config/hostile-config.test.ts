// Hostile input to the configuration loader: every case a configuration
// error (exit 2) naming the file, never a crash; numbers bounded where the
// thing they feed is; text that is not UTF-8 refused, not replaced.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

async function errorOf(content: string | Uint8Array): Promise<ConfigError> {
  writeFileSync(t.path('vfkeeper.yaml'), content);
  const e: unknown = await loadConfig(t.path('vfkeeper.yaml')).then(
    () => new Error('loaded'),
    (err: unknown) => err,
  );
  if (!(e instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${String(e)}`);
  return e;
}

const bomb = [
  'a: &a [x, x, x, x, x, x, x, x, x]',
  ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
].join('\n');

describe('hostile configuration', () => {
  it('an alias bomb is a configuration error naming the file, not a ReferenceError', async () => {
    const e = await errorOf(`${bomb}\n`);
    expect(e.message).toBe(
      `${t.path('vfkeeper.yaml')}: expected a plain document: Excessive alias count indicates a resource exhaustion attack`,
    );
  });

  it('text that is not UTF-8 is refused with its line, not replaced', async () => {
    const e = await errorOf(
      Buffer.concat([Buffer.from('pfs:\n  - match: { netdev: "enp'), Buffer.from([0xff, 0xfe]), Buffer.from('" }\n')]),
    );
    expect(e.message).toBe(`${t.path('vfkeeper.yaml')}: line 2: expected UTF-8 text; byte 30 (0xff) is not`);
  });

  it.each([
    ['relays:\n  - { virtio_id: 60, vf: { pci: "02:08.0" } }\n', 'relays[0].virtio_id: expected a relay number from 1 to 59'],
    ['relays:\n  - { virtio_id: 4294967296, vf: { pci: "02:08.0" } }\n', 'relays[0].virtio_id: expected a relay number from 1 to 59'],
    ['forwarder: { timeout_ms: 1e12 }\n', 'forwarder.timeout_ms: expected a whole number of milliseconds from 1 to 60000'],
    ['forwarder: { relay_deadline_ms: 600001 }\n', 'forwarder.relay_deadline_ms: expected a whole number of milliseconds from 1 to 600000'],
    ['forwarder: { relay_deadline_ms: 0 }\n', 'forwarder.relay_deadline_ms: expected a whole number of milliseconds from 1 to 600000'],
    ['daemon: { write_timeout_ms: 3600000 }\n', 'daemon.write_timeout_ms: expected a whole number of milliseconds from 1 to 600000'],
    ['daemon: { resync_seconds: 1e300 }\n', 'daemon.resync_seconds: expected a whole number of seconds from 1 to 86400'],
    ['pfs:\n  - match: { netdev: x }\n    vfs: 1e300\n', 'pfs[0].vfs: expected a whole number from 0 to 65535 or "max"'],
  ])('bounds %j', async (text, expected) => {
    expect((await errorOf(text)).message).toContain(`${t.path('vfkeeper.yaml')}: ${expected}`);
  });

  it('a file over 1 MiB is refused before it is parsed', async () => {
    const e = await errorOf(`# ${'x'.repeat(1024 * 1024)}\n`);
    expect(e.message).toMatch(/: expected at most 1048576 bytes, the file has 10485\d\d$/);
  });
});
