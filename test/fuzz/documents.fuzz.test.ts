// Property-based fuzzing of the documents vfkeeper reads: configuration
// files (YAML), `udevadm monitor --property` output, and the forwarder's
// protobuf replies. Each is either understood or refused with a typed error.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/load-config.js';
import { mergeConfig } from '../../src/config/merge-config.js';
import { decodePortControlResponse, encodePortControlResponse } from '../../src/dataplane/proto/codec-port-control.js';
import { decodeStatsResponse } from '../../src/dataplane/proto/codec-stats.js';
import { UdevParser } from '../../src/events/udev-parse.js';
import { isPciAddress } from '../../src/model/pci.js';
import { expectValueOrTyped, fuzzOptions, fuzzTimeout } from './fuzz-runs.js';

/** Documents shaped like a configuration, with values of every kind where the schema wants one. */
const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('max', 'auto', 'derive'),
);
const configLike = fc.record(
  {
    pfs: fc.oneof(
      anyValue,
      fc.array(
        fc.record(
          {
            match: fc.oneof(anyValue, fc.record({ netdev: anyValue, pci: anyValue, id: anyValue }, { requiredKeys: [] })),
            vfs: anyValue,
            mtu: anyValue,
            firmware: anyValue,
            vf_macs: fc.oneof(anyValue, fc.array(fc.string())),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
    relays: fc.oneof(
      anyValue,
      fc.array(fc.record({ virtio_id: anyValue, vf: fc.oneof(anyValue, fc.record({ pf: anyValue, index: anyValue })) })),
    ),
    forwarder: fc.oneof(
      anyValue,
      fc.dictionary(fc.constantFrom('timeout_ms', 'relay_deadline_ms', 'port_control', 'socket_owner', 'unit', 'bogus'), anyValue),
    ),
    daemon: fc.oneof(anyValue, fc.dictionary(fc.constantFrom('resync_seconds', 'write_timeout_ms', 'metrics_file'), anyValue)),
  },
  { requiredKeys: [] },
);
const yamlText = fc.oneof(
  configLike.map((doc) => stringify(doc)),
  fc.string(),
  fc.string({ unit: fc.constantFrom(...'pfs: - {}[]&*!|>\'"#\n\t vfs8max'.split('')), maxLength: 80 }),
  fc.tuple(configLike, fc.nat(), fc.string({ maxLength: 4 })).map(([doc, at, junk]) => {
    const text = stringify(doc);
    const i = at % (text.length + 1);
    return text.slice(0, i) + junk + text.slice(i);
  }),
);

describe('fuzz: the configuration loader', () => {
  it(
    'a file is a configuration or a configuration error naming the file (exit 2); never another error',
    () => {
      fc.assert(
        fc.property(yamlText, (text) => {
          try {
            mergeConfig([parseConfigText('/etc/vfkeeper/vfkeeper.yaml', text)]);
          } catch (e) {
            expect(isConfigError(e)).toBe(true);
            expect((e as Error).message).toContain('/etc/vfkeeper/vfkeeper.yaml');
          }
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});

const RECORDED = readFileSync(new URL('../fixtures/udev/vf-lifecycle.txt', import.meta.url), 'utf8');

describe('fuzz: udev records', () => {
  const mutated = fc.tuple(fc.nat(), fc.nat({ max: 40 }), fc.string({ maxLength: 40 })).map(([at, cut, junk]) => {
    const i = at % RECORDED.length;
    return RECORDED.slice(0, i) + junk + RECORDED.slice(i + cut);
  });
  const stream = fc.oneof(
    mutated,
    fc.string({ maxLength: 400 }),
    fc.string({ unit: fc.constantFrom(...'UDEV [].()=\nACTION=DEVPATH=pciSUBSYSTEM=add/'.split('')) }),
  );
  it(
    'any output, in any chunks, gives events with valid addresses and warnings; the parser never throws',
    () => {
      fc.assert(
        fc.property(stream, fc.array(fc.nat({ max: 64 }), { maxLength: 20 }), (text, cuts) => {
          const p = new UdevParser(4096);
          const out = [];
          let rest = text;
          for (const c of cuts) {
            out.push(...p.push(rest.slice(0, c)));
            rest = rest.slice(c);
          }
          out.push(...p.push(rest), ...p.end());
          for (const o of out) {
            if (o.kind === 'warning') expect(o.message).toMatch(/, ignoring$/);
            else if (o.event.kind === 'pci') expect(isPciAddress(o.event.pci)).toBe(true);
          }
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});

describe("fuzz: the forwarder's protobuf replies", () => {
  const valid = encodePortControlResponse({ status: 'ERROR', error_code: 2, error_code_source: 'virtio_add_vf' });
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 4 })).map(([at, junk]) => {
      const copy = Array.from(valid);
      copy.splice(at % (copy.length + 1), 1, ...junk);
      return Uint8Array.from(copy);
    }),
  );
  it(
    'port control and stats replies decode or fail with ERR_FORWARDER_MALFORMED',
    () => {
      fc.assert(
        fc.property(bytes, (b) => {
          expectValueOrTyped(() => decodePortControlResponse(b), /^ERR_FORWARDER_MALFORMED$/);
          expectValueOrTyped(() => decodeStatsResponse(b), /^ERR_FORWARDER_MALFORMED$/);
        }),
        fuzzOptions(),
      );
    },
    fuzzTimeout(),
  );
});
