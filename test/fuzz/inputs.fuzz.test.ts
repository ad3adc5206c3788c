// Property-based fuzzing of the small parsers every outside input meets
// first: PCI addresses, interface names, hook arguments and environment,
// control-socket request lines.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseControlRequest } from '../../src/control/protocol.js';
import { HOOK_ACTIONS, parseHookInvocation } from '../../src/events/hooks.js';
import { checkNetdevName, parseNetdevName } from '../../src/events/netdev-name.js';
import { VfkeeperError } from '../../src/model/errors.js';
import { formatPci, parsePciAddress, pciParts } from '../../src/model/pci.js';
import { expectValueOrTyped, fuzzOptions, fuzzTimeout } from './fuzz-runs.js';

const hex = (digits: number) => fc.integer({ min: 0, max: 16 ** digits - 1 }).map((n) => n.toString(16).padStart(digits, '0'));
const pciLike = fc.oneof(
  fc
    .tuple(hex(4), hex(2), fc.integer({ min: 0, max: 31 }), fc.integer({ min: 0, max: 7 }))
    .map(([d, b, s, f]) => `${d}:${b}:${s.toString(16).padStart(2, '0')}.${f}`),
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF:.xg -\n\u0000'.split('')) }),
);
/** Names made to look like interface names, and worse: shell, control characters, long, non-ASCII. */
const nameLike = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'enp2s0$`;|&()<>\'"\\ \t\n\u0000/:.*?!#~{}[]é'.split('')), maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

describe('fuzz: PCI addresses', () => {
  it(
    'parse or ERR_PCI_ADDRESS; what parses prints back the same',
    () => {
      fc.assert(
        fc.property(pciLike, (text) => {
          const r = expectValueOrTyped(() => parsePciAddress(text), /^ERR_PCI_ADDRESS$/);
          if (!(r instanceof VfkeeperError)) expect(formatPci(pciParts(r))).toBe(r);
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});

describe('fuzz: interface names', () => {
  it(
    'a name is accepted only as the kernel would take it, and never with a shell metacharacter or control character',
    () => {
      fc.assert(
        fc.property(nameLike, (name) => {
          const r = expectValueOrTyped(() => parseNetdevName(name), /^ERR_NETDEV_NAME$/);
          if (r instanceof VfkeeperError) return;
          expect(Buffer.byteLength(r)).toBeGreaterThan(0);
          expect(Buffer.byteLength(r)).toBeLessThanOrEqual(15);
          // eslint-disable-next-line no-control-regex
          expect(r).not.toMatch(/[\s/:$`;&|<>()\\'"*?[\]{}~!#\u0000-\u001f\u007f]/);
          expect(['.', '..']).not.toContain(r);
          expect(checkNetdevName(r)).toBeNull();
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});

describe('fuzz: hook arguments and environment', () => {
  const dispatcher = fc.oneof(fc.constantFrom('networkmanager', 'networkd'), fc.string({ maxLength: 12 }));
  const action = fc.oneof(fc.constantFrom(...HOOK_ACTIONS.networkmanager, ...HOOK_ACTIONS.networkd, 'down', 'dhcp4-change'), fc.string());
  const args = fc.tuple(dispatcher, fc.array(fc.oneof(nameLike, action), { maxLength: 4 })).map(([d, rest]) => [d, ...rest]);
  const env = fc.record({ IFACE: fc.option(nameLike, { nil: undefined }), ADDR_STATE: fc.option(fc.string(), { nil: undefined }) });
  it(
    'every invocation is an event for a valid name, ignored, or a typed usage error; never a throw',
    () => {
      fc.assert(
        fc.property(args, env, (a, e) => {
          const r = parseHookInvocation(a, e);
          if (r.kind === 'error') {
            expect(r.error).toBeInstanceOf(VfkeeperError);
            expect(r.error.code).toMatch(/^ERR_(HOOK_USAGE|NETDEV_NAME)$/);
          }
          if (r.kind === 'event') expect(checkNetdevName(r.event.netdev)).toBeNull();
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});

describe('fuzz: control-socket requests', () => {
  const requestLike = fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .record(
        {
          request: fc.oneof(fc.constantFrom('status', 'reconcile', 'hook', 'pause', 'resume', 'sim'), fc.string()),
          dryRun: fc.anything(),
          force: fc.anything(),
          netdev: nameLike,
          action: fc.string(),
          source: fc.string(),
          reason: fc.string(),
        },
        { requiredKeys: ['request'] },
      )
      .map((o) => JSON.stringify(o)),
  );
  it(
    'one line is a request or ERR_CONTROL_REQUEST; a hook request never carries an invalid name',
    () => {
      fc.assert(
        fc.property(requestLike, (line) => {
          const r = expectValueOrTyped(() => parseControlRequest(line), /^ERR_CONTROL_REQUEST$/);
          if (r instanceof VfkeeperError) return;
          if (r.request === 'hook') expect(checkNetdevName(r.netdev)).toBeNull();
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});
