import { describe, expect, it } from 'vitest';
import { GENERIC_MESSAGE_KEY, MESSAGE_KEYS, messageIdFor, messageKeyFor } from '../../../src/journal/message-ids.js';
import { STEP_KINDS } from '../../../src/model/step.js';

// The keys the reconciler, the daemon and the firmware guard rely on.
const REQUIRED = [
  'run.start',
  'run.end',
  ...STEP_KINDS.flatMap((kind) => ['ok', 'failed', 'skipped', 'planned'].map((result) => `step.${kind}.${result}`)),
  ...['EBUSY', 'ERANGE', 'ENOENT', 'ENOMEM', 'ENOSPC', 'ERR_SYSFS_TIMEOUT'].map((cause) => `step.set-numvfs.failed.${cause}`),
  'step.bind-driver.failed.ERR_NO_IOMMU_GROUP',
  'refusal.guard',
  'refusal.blocked.ERR_FIRMWARE_NOT_SRIOV',
  'refusal.blocked.ERR_FIRMWARE_UNKNOWN',
  'refusal.blocked.ERR_NO_PF_DRIVER',
  'refusal.blocked.ERR_STRAY_VFS',
  'forwarder.unreachable',
  'firmware-link.wrong',
  'firmware-link.fixed',
  'config.invalid',
  'config.reloaded',
  'daemon.ready',
  'daemon.stopping',
  'daemon.paused',
  'daemon.resumed',
  'pf.stuck',
  'event.ignored',
  'udev.monitor-restarted',
];

describe('message ids', () => {
  it('has its own id for every key vfkeeper logs', () => {
    expect(REQUIRED.filter((key) => !MESSAGE_KEYS.includes(key))).toEqual([]);
  });

  it('are 128-bit ids as sd_id128 prints them, each used once', () => {
    const ids = MESSAGE_KEYS.map((key) => messageIdFor(key));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('falls back by dropping the last segment until a key has an id', () => {
    expect(messageIdFor('step.set-numvfs.failed.EBUSY')).not.toBe(messageIdFor('step.set-numvfs.failed'));
    expect(messageIdFor('step.set-numvfs.failed.ENODEV')).toBe(messageIdFor('step.set-numvfs.failed'));
    expect(messageIdFor('step.bind-driver.failed.EBUSY')).toBe(messageIdFor('step.bind-driver.failed'));
    expect(messageIdFor('refusal.blocked.ERR_SOMETHING_NEW')).toBe(messageIdFor('refusal.blocked'));
    expect(messageIdFor('step.set-mtu.ok.extra.segments')).toBe(messageIdFor('step.set-mtu.ok'));
  });

  it('gives keys with nothing in common the generic id, never an inherited property', () => {
    const generic = messageIdFor(GENERIC_MESSAGE_KEY);
    expect(messageIdFor('no-such.key')).toBe(generic);
    expect(messageIdFor('')).toBe(generic);
    expect(messageIdFor('constructor')).toBe(generic);
    expect(messageIdFor('__proto__.x')).toBe(generic);
  });

  it('maps an id back to its key', () => {
    expect(messageKeyFor(messageIdFor('pf.stuck'))).toBe('pf.stuck');
    expect(messageKeyFor('00000000000000000000000000000000')).toBeUndefined();
  });
});
