// The codec's table (descriptors.ts) against the protocol's .proto text,
// parsed here by protobufjs as vfkeeper did at run time before: the table
// must say what the text says, and the codec must put the same bytes on the
// wire and read the same objects back as protobufjs's reflection did.
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { isForwarderError } from '../../../src/dataplane/forwarder-error.js';
import { decodePortControlResponse, encodePortControlRequest } from '../../../src/dataplane/proto/codec-port-control.js';
import { decodeStatsResponse, encodeStatsResponse } from '../../../src/dataplane/proto/codec-stats.js';
import { MESSAGES, type FieldDescriptor, type MessageDescriptor, type MessageName } from '../../../src/dataplane/proto/descriptors.js';
import type { PortControlRequest, StatsResponse } from '../../../src/dataplane/proto/messages.js';
import { decodeMessage, encodeMessage } from '../../../src/dataplane/proto/schema.js';
import { VIRTIOFORWARDER_PROTO } from '../../../src/dataplane/proto/virtioforwarder-proto.js';
import { isVfkeeperError } from '../../../src/model/errors.js';
import { bytes, hex } from '../../helpers/golden-hex.js';

const ROOT = protobuf.parse(VIRTIOFORWARDER_PROTO, { keepCase: true }).root.resolveAll();
const NAMES = Object.keys(MESSAGES) as MessageName[];

function refType(name: string): protobuf.Type {
  return ROOT.lookupType(name);
}

/** What the table says of a message, in the shape protobufjs's parse is read into below. */
function describeTable(m: MessageDescriptor): unknown {
  return {
    name: m.name,
    fields: m.fields.map((f) => ({
      name: f.name,
      id: f.id,
      rule: f.rule,
      packed: f.kind === 'scalar' && f.packed === true,
      type: f.kind === 'scalar' ? f.type : f.kind === 'enum' ? { enum: f.type.name, values: f.type.values } : describeTable(f.type),
    })),
  };
}

function describeParsed(t: protobuf.Type): unknown {
  return {
    name: t.fullName.slice(1),
    fields: t.fieldsArray.map((f) => {
      const resolved = f.resolvedType;
      return {
        name: f.name,
        id: f.id,
        rule: f.required ? 'required' : f.repeated ? 'repeated' : 'optional',
        packed: f.repeated && f.packed,
        type:
          resolved instanceof protobuf.Enum
            ? { enum: resolved.fullName.slice(1), values: resolved.values }
            : resolved instanceof protobuf.Type
              ? describeParsed(resolved)
              : f.type,
      };
    }),
  };
}

/** Every message type in the .proto text, nested ones too. */
function allParsedTypes(ns: protobuf.NamespaceBase): string[] {
  return ns.nestedArray.flatMap((n) => {
    const own = n instanceof protobuf.Type ? [n.fullName.slice(1)] : [];
    return n instanceof protobuf.Namespace || n instanceof protobuf.Type ? [...own, ...allParsedTypes(n)] : own;
  });
}

function allTableTypes(m: MessageDescriptor, into = new Set<string>()): Set<string> {
  into.add(m.name);
  for (const f of m.fields) if (f.kind === 'message') allTableTypes(f.type, into);
  return into;
}

describe('the table says what the .proto text says', () => {
  it.each(NAMES)('%s: fields, numbers, types, rules, packing, enum values', (name) => {
    expect(describeTable(MESSAGES[name])).toEqual(describeParsed(refType(`virtioforwarder.${name}`)));
  });

  it('covers every message of the text', () => {
    const table = new Set<string>();
    for (const name of NAMES) allTableTypes(MESSAGES[name], table);
    expect([...table].sort()).toEqual(allParsedTypes(ROOT).sort());
  });
});

// ---- the same bytes and objects as protobufjs's reflection

function refEncode(name: MessageName, value: object): string {
  const t = refType(`virtioforwarder.${name}`);
  const message = t.fromObject(value);
  expect(t.verify(message)).toBeNull();
  return hex(t.encode(message).finish());
}

type Outcome = { ok: true; value: unknown } | { ok: false };
function refDecode(name: MessageName, wire: Uint8Array): Outcome {
  const t = refType(`virtioforwarder.${name}`);
  try {
    return { ok: true, value: t.toObject(t.decode(wire), { enums: String, longs: Number, arrays: true }) };
  } catch {
    return { ok: false };
  }
}
function ownDecode(name: MessageName, wire: Uint8Array): Outcome {
  try {
    return { ok: true, value: decodeMessage(name, wire) };
  } catch (e) {
    expect(isForwarderError(e, 'ERR_FORWARDER_MALFORMED')).toBe(true);
    return { ok: false };
  }
}

/** An enum field holding a number: a value outside the enum, which protobufjs 8 dropped (then failed on the missing field). */
function hasUnknownEnum(m: MessageDescriptor, value: unknown): boolean {
  const o = value as Record<string, unknown>;
  return m.fields.some((f) => {
    const v = o[f.name];
    const items = Array.isArray(v) ? v : v === undefined ? [] : [v];
    if (f.kind === 'enum') return items.some((i) => typeof i === 'number');
    if (f.kind === 'message') return items.some((i) => hasUnknownEnum(f.type, i));
    return false;
  });
}

/** Whether the top-level message has a tag whose field number is 0 (read as far as it parses). */
function hasFieldZero(wire: Uint8Array): boolean {
  const r = protobuf.Reader.create(wire);
  try {
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === 0) return true;
      r.skipType(t & 7, 0, t >>> 3);
    }
  } catch {
    return false;
  }
  return false;
}

function arbitraryOf(m: MessageDescriptor, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  const required: string[] = [];
  for (const f of m.fields) {
    const one = arbitraryValue(f, depth);
    model[f.name] = f.rule === 'repeated' ? fc.array(one, { maxLength: 3 }) : one;
    if (f.rule !== 'optional') required.push(f.name);
  }
  return fc.record(model, { requiredKeys: required });
}

function arbitraryValue(f: FieldDescriptor, depth: number): fc.Arbitrary<unknown> {
  if (f.kind === 'message') return arbitraryOf(f.type, depth + 1);
  if (f.kind === 'enum') return fc.constantFrom(...Object.keys(f.type.values));
  switch (f.type) {
    case 'uint32':
      return fc.nat({ max: 0xffffffff });
    case 'int32':
      return fc.integer({ min: -0x80000000, max: 0x7fffffff });
    case 'uint64':
      return fc.maxSafeNat();
    case 'bool':
      return fc.boolean();
    case 'string':
      return fc.string({ unit: 'grapheme', maxLength: 12 });
    case 'float':
      return fc.float();
  }
}

/** Valid encodings, cut short, with a byte changed, or any bytes at all. */
function arbitraryWire(name: MessageName): fc.Arbitrary<Uint8Array> {
  const valid = arbitraryOf(MESSAGES[name]).map((v) => Uint8Array.from(encodeMessage(name, v)));
  return fc.oneof(
    valid,
    fc.tuple(valid, fc.nat()).map(([w, n]) => w.subarray(0, w.length === 0 ? 0 : n % w.length)),
    fc.tuple(valid, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([w, at, b]) => {
      const out = Uint8Array.from(w);
      if (out.length > 0) out[at % out.length] = b;
      return out;
    }),
    fc.uint8Array({ maxLength: 48 }),
  );
}

describe('the same wire as protobufjs reflection on the .proto text', () => {
  it.each(NAMES)('%s: encoded bytes and decoded objects', (name) => {
    fc.assert(
      fc.property(arbitraryOf(MESSAGES[name]), (value) => {
        const wire = encodeMessage(name, value);
        expect(hex(wire)).toBe(refEncode(name, value));
        expect(ownDecode(name, wire)).toEqual(refDecode(name, wire));
      }),
      { numRuns: 150 },
    );
  });

  it.each(NAMES)('%s: any bytes decode to the same object, or fail in both', (name) => {
    fc.assert(
      fc.property(arbitraryWire(name), (wire) => {
        const own = ownDecode(name, wire);
        const ref = refDecode(name, wire);
        // An unknown enum value (here, one a changed byte made) is where the two differ on purpose:
        // ours keeps the number; protobufjs fails, or reads another value. Tested on its own below.
        if (own.ok && hasUnknownEnum(MESSAGES[name], own.value)) return;
        // Field number 0 is illegal (the spec, and protobufjs's own Reader); the reflection
        // decoder passes the whole tag where its skip wants the number, and lets it through.
        if (!own.ok && ref.ok && hasFieldZero(wire)) return;
        expect(own).toEqual(ref);
      }),
      { numRuns: 300 },
    );
  });
});

describe('what the typed layer sees of odd replies', () => {
  function caught(f: () => unknown): unknown {
    try {
      f();
    } catch (e) {
      return e;
    }
    throw new Error('did not throw');
  }

  it('an enum value the schema does not know stays a number, and the typed decode names it', () => {
    expect(decodeMessage('PortControlResponse', bytes('20 07'))).toEqual({ status: 7 });
    const e = caught(() => decodePortControlResponse(bytes('20 07')));
    expect(isForwarderError(e, 'ERR_FORWARDER_MALFORMED')).toBe(true);
    expect((e as Error).message).toBe('PortControlResponse: status has the unknown value 7');
  });

  it('a reply cut inside a string is malformed, naming the message', () => {
    const e = caught(() => decodePortControlResponse(bytes('20 00', '32 1a 76 69')));
    expect(isForwarderError(e, 'ERR_FORWARDER_MALFORMED')).toBe(true);
    expect((e as Error).message).toMatch(/^6 bytes are not a valid PortControlResponse: /);
  });

  it('a relay whose vhost lacks its required socket name is malformed', () => {
    const e = caught(() => decodeStatsResponse(bytes('08 00', '12 06  08 01 10 00 2a 00')));
    expect(isForwarderError(e, 'ERR_FORWARDER_MALFORMED')).toBe(true);
    expect((e as Error).message).toMatch(/missing required 'vhost_socket_name'/);
  });

  it('a known field sent with another wire type is skipped, as protobufjs did', () => {
    // error_code (field 5) as a length-delimited field: unknown, skipped.
    expect(decodePortControlResponse(bytes('20 01', '2a 01 41'))).toEqual({ status: 'OK' });
  });

  it('a request without its required op, or a relay without vhost, is ERR_FORWARDER_ENCODE', () => {
    const noOp = caught(() => encodePortControlRequest({ pci_addrs: [] } as unknown as PortControlRequest));
    expect(isVfkeeperError(noOp) && noOp.code).toBe('ERR_FORWARDER_ENCODE');
    expect((noOp as Error).message).toBe('cannot encode PortControlRequest: op: missing required field');
    const relay = { id: 1, active: true, socket_id: 0, vf_to_vm: {}, vm_to_vf: {} };
    const noVhost = caught(() => encodeStatsResponse({ status: 'OK', relay: [relay] } as unknown as StatsResponse));
    expect(isVfkeeperError(noVhost) && noVhost.code).toBe('ERR_FORWARDER_ENCODE');
    expect((noVhost as Error).message).toBe('cannot encode StatsResponse: relay[0].vhost: missing required field');
  });

  it('an op name the protocol does not have is ERR_FORWARDER_ENCODE, not sent', () => {
    const e = caught(() => encodePortControlRequest({ op: 'MOVE', pci_addrs: [] } as unknown as PortControlRequest));
    expect(isVfkeeperError(e) && e.code).toBe('ERR_FORWARDER_ENCODE');
  });
});
