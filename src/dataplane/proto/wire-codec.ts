// Encodes and decodes the messages of descriptors.ts with protobufjs's
// minimal runtime (its Reader and Writer: varints, floats, UTF-8, skipping
// unknown fields), doing what protobufjs's reflection did for us before
// (fromObject + verify + encode; decode + toObject with enums as names,
// longs as numbers, arrays always): same bytes out, same objects back.
// test/unit/dataplane/proto-descriptors.test.ts checks both directions
// against protobufjs's reflection on the .proto text, message by message.
//
// Errors: encode throws EncodeProblem (the caller makes it
// ERR_FORWARDER_ENCODE); decode throws whatever the Reader throws
// (RangeError "index out of range", "invalid wire type", ...) or
// DecodeProblem for a missing required field (the caller makes any of
// them ERR_FORWARDER_MALFORMED).
import protobuf from 'protobufjs/minimal.js';
import type { EnumDescriptor, FieldDescriptor, MessageDescriptor, ScalarType } from './descriptors.js';

type Writer = protobuf.Writer;
type Reader = protobuf.Reader;
type Plain = Record<string, unknown>;

/** A value that cannot be encoded: `path` names the field, as protobufjs's verify did. */
export class EncodeProblem extends Error {}
/** A decoded message without one of its required fields. */
export class DecodeProblem extends Error {}

// Wire types (the low three bits of a tag).
const VARINT = 0;
const FIXED32 = 5;
const LENGTH_DELIMITED = 2;

function wireType(f: FieldDescriptor): number {
  if (f.kind === 'message') return LENGTH_DELIMITED;
  if (f.kind === 'enum') return VARINT;
  if (f.type === 'string') return LENGTH_DELIMITED;
  if (f.type === 'float') return FIXED32;
  return VARINT;
}

/**
 * What each message's encode and decode look up, built once per message on
 * first use: fields by number with their wire type, fields in number order,
 * the repeated and required ones, enum numbers to names.
 */
interface Layout {
  readonly byId: ReadonlyMap<number, { readonly field: FieldDescriptor; readonly wire: number }>;
  readonly ordered: readonly FieldDescriptor[];
  readonly repeated: readonly string[];
  readonly required: readonly string[];
}
const layouts = new WeakMap<MessageDescriptor, Layout>();
function layout(m: MessageDescriptor): Layout {
  let l = layouts.get(m);
  if (l === undefined) {
    l = {
      byId: new Map(m.fields.map((f) => [f.id, { field: f, wire: wireType(f) }])),
      ordered: [...m.fields].sort((a, b) => a.id - b.id),
      repeated: m.fields.filter((f) => f.rule === 'repeated').map((f) => f.name),
      required: m.fields.filter((f) => f.rule === 'required').map((f) => f.name),
    };
    layouts.set(m, l);
  }
  return l;
}

const enumNames = new WeakMap<EnumDescriptor, ReadonlyMap<number, string>>();
function namesOf(e: EnumDescriptor): ReadonlyMap<number, string> {
  let names = enumNames.get(e);
  if (names === undefined) {
    names = new Map(Object.entries(e.values).map(([name, n]) => [n, name]));
    enumNames.set(e, names);
  }
  return names;
}

// ---- encode

export function encode(m: MessageDescriptor, value: object): Uint8Array {
  const w = protobuf.Writer.create();
  writeMessage(m, value as Plain, w, '');
  return w.finish();
}

function writeMessage(m: MessageDescriptor, value: Plain, w: Writer, path: string): void {
  for (const f of layout(m).ordered) {
    const v = value[f.name];
    const at = `${path}${f.name}`;
    if (f.rule === 'repeated') {
      // As protobufjs's fromObject: a falsy value is no element; anything else must be a list.
      if (!v) continue;
      if (!Array.isArray(v)) throw new EncodeProblem(`${at}: array expected`);
      writeRepeated(f, v, w, at);
    } else if (v === undefined || v === null) {
      if (f.rule === 'required') throw new EncodeProblem(`${at}: missing required field`);
    } else {
      writeOne(f, v, w, at);
    }
  }
}

function writeRepeated(f: FieldDescriptor, values: readonly unknown[], w: Writer, at: string): void {
  if (values.length === 0) return;
  if (f.kind === 'scalar' && f.packed) {
    w.uint32(tag(f.id, LENGTH_DELIMITED)).fork();
    for (const v of values) writeScalarValue(f.type, v, w, at);
    w.ldelim();
    return;
  }
  values.forEach((v, i) => writeOne(f, v, w, `${at}[${i}]`));
}

function writeOne(f: FieldDescriptor, v: unknown, w: Writer, at: string): void {
  w.uint32(tag(f.id, wireType(f)));
  if (f.kind === 'message') {
    if (typeof v !== 'object' || v === null) throw new EncodeProblem(`${at}: object expected`);
    w.fork();
    writeMessage(f.type, v as Plain, w, `${at}.`);
    w.ldelim();
  } else if (f.kind === 'enum') {
    w.int32(enumNumber(f.type, v, at));
  } else {
    writeScalarValue(f.type, v, w, at);
  }
}

/** An enum value by name (or by its number, as fromObject took it); anything else cannot be sent. */
function enumNumber(e: EnumDescriptor, v: unknown, at: string): number {
  if (typeof v === 'string' && Object.hasOwn(e.values, v)) return e.values[v] as number;
  if (typeof v === 'number' && namesOf(e).has(v)) return v;
  throw new EncodeProblem(`${at}: enum value expected, got ${JSON.stringify(v)}`);
}

/** The conversions of protobufjs's fromObject, then verify's check (an integer for uint64). */
function writeScalarValue(type: ScalarType, v: unknown, w: Writer, at: string): void {
  switch (type) {
    case 'uint32':
      w.uint32(Number(v) >>> 0);
      return;
    case 'int32':
      w.int32(Number(v) | 0);
      return;
    case 'uint64': {
      // A counter: protobufjs (with long.js) wrapped a negative one to 0 and
      // truncated a fraction; either is a bug in the sender, so it is refused.
      const n = typeof v === 'string' ? parseInt(v, 10) : v;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new EncodeProblem(`${at}: unsigned integer expected`);
      w.uint64(n);
      return;
    }
    case 'bool':
      w.bool(Boolean(v));
      return;
    case 'string':
      w.string(String(v));
      return;
    case 'float':
      w.float(Number(v));
      return;
  }
}

function tag(id: number, wire: number): number {
  return ((id << 3) | wire) >>> 0;
}

// ---- decode

export function decode(m: MessageDescriptor, bytes: Uint8Array): Plain {
  return readMessage(m, protobuf.Reader.create(bytes), bytes.length, 0);
}

/**
 * Reads `length` bytes as message `m`. As protobufjs's generated decoder:
 * a known field with another wire type is skipped as unknown (but a
 * repeated number is taken packed or not); the last of a repeated
 * non-repeated field wins; a message must end exactly at its length.
 */
function readMessage(m: MessageDescriptor, r: Reader, length: number, depth: number): Plain {
  if (depth > protobuf.util.recursionLimit) throw new Error('max depth exceeded');
  const end = r.pos + length;
  if (end > r.len) throw new RangeError('index out of range');
  const outerLen = r.len;
  r.len = end;
  const out: Plain = {};
  const { byId, repeated, required } = layout(m);
  for (const name of repeated) out[name] = [];
  while (r.pos < end) {
    const t = r.tag();
    const id = t >>> 3;
    const wire = t & 7;
    const known = byId.get(id);
    if (known === undefined || !readField(known.field, known.wire, wire, r, out, depth)) r.skipType(wire, depth, id);
  }
  if (r.pos !== end) throw new RangeError('index out of range');
  r.len = outerLen;
  for (const name of required) if (!Object.hasOwn(out, name)) throw new DecodeProblem(`missing required '${name}'`);
  return out;
}

/** Reads one occurrence of `f` into `out`; false if its wire type is not the field's (then it is skipped). */
function readField(f: FieldDescriptor, fieldWire: number, wire: number, r: Reader, out: Plain, depth: number): boolean {
  if (f.rule === 'repeated') {
    const list = out[f.name] as unknown[];
    if (f.kind === 'scalar' && wire === LENGTH_DELIMITED && f.type !== 'string') {
      readPacked(f.type, r, list);
      return true;
    }
    if (wire !== fieldWire) return false;
    list.push(readValue(f, r, depth));
    return true;
  }
  if (wire !== fieldWire) return false;
  out[f.name] = readValue(f, r, depth);
  return true;
}

/** A packed run of numbers: as protobufjs's Reader.uint32s, no value may run past the run's length. */
function readPacked(type: ScalarType, r: Reader, list: unknown[]): void {
  const size = r.size();
  const end = r.pos + size;
  if (end > r.len) throw new RangeError('index out of range');
  const outerLen = r.len;
  r.len = end;
  while (r.pos < end) list.push(readScalar(type, r));
  r.len = outerLen;
}

function readValue(f: FieldDescriptor, r: Reader, depth: number): unknown {
  if (f.kind === 'message') return readMessage(f.type, r, r.size(), depth + 1);
  if (f.kind === 'enum') return enumName(f.type, r.int32());
  return readScalar(f.type, r);
}

/** Enum values by name; a value this schema does not know stays a number (the typed layer names it). */
function enumName(e: EnumDescriptor, n: number): string | number {
  return namesOf(e).get(n) ?? n;
}

function readScalar(type: ScalarType, r: Reader): unknown {
  switch (type) {
    case 'uint32':
      return r.uint32();
    case 'int32':
      return r.int32();
    case 'uint64':
      return longToNumber(r.uint64());
    case 'bool':
      return r.bool();
    case 'string':
      return r.string();
    case 'float':
      return r.float();
  }
}

/** uint64 as a number (exact up to 2^53), as toObject({ longs: Number }) gave it. */
function longToNumber(v: protobuf.Long | number): number {
  if (typeof v === 'number') return v;
  return new protobuf.util.LongBits(v.low >>> 0, v.high >>> 0).toNumber(true);
}
