// A tiny protobuf wire writer and reader, written from the encoding spec and
// independent of src/dataplane/proto: tests use it to check our schema
// against bytes made another way, and to play the forwarder or a client.

export const VARINT = 0;
export const FIXED64 = 1;
export const LEN = 2;
export const FIXED32 = 5;

/** Base-128 varint; negative numbers as 64-bit two's complement (10 bytes), as int32 fields do. */
export function varint(value: number | bigint): number[] {
  let v = BigInt(value);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

export function tag(field: number, wireType: number): number[] {
  return varint((field << 3) | wireType);
}

export function fieldVarint(field: number, value: number | bigint | boolean): number[] {
  return [...tag(field, VARINT), ...varint(typeof value === 'boolean' ? (value ? 1 : 0) : value)];
}

export function fieldBytes(field: number, bytes: ArrayLike<number>): number[] {
  return [...tag(field, LEN), ...varint(bytes.length), ...Array.from(bytes)];
}

export function fieldString(field: number, text: string): number[] {
  return fieldBytes(field, new TextEncoder().encode(text));
}

export function fieldMessage(field: number, ...parts: number[][]): number[] {
  return fieldBytes(field, parts.flat());
}

export function fieldFloat(field: number, value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeFloatLE(value);
  return [...tag(field, FIXED32), ...b];
}

export function message(...parts: number[][]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

export interface WireField {
  field: number;
  wireType: number;
  /** VARINT: the unsigned value; LEN: the bytes; FIXED32/64: the raw little-endian bytes. */
  value: bigint | Uint8Array;
}

function readVarint(bytes: Uint8Array, at: number): [bigint, number] {
  let result = 0n;
  for (let shift = 0n, i = at; i < bytes.length; i++, shift += 7n) {
    const b = bytes[i] ?? 0;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, i + 1];
  }
  throw new Error(`truncated varint at byte ${at}`);
}

export function readFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    const field = Number(key >> 3n);
    const wireType = Number(key & 7n);
    at = next;
    if (wireType === VARINT) {
      const [v, after] = readVarint(bytes, at);
      fields.push({ field, wireType, value: v });
      at = after;
    } else if (wireType === LEN) {
      const [len, after] = readVarint(bytes, at);
      const end = after + Number(len);
      if (end > bytes.length) throw new Error(`field ${field} runs past the end`);
      fields.push({ field, wireType, value: bytes.subarray(after, end) });
      at = end;
    } else if (wireType === FIXED32 || wireType === FIXED64) {
      const size = wireType === FIXED32 ? 4 : 8;
      fields.push({ field, wireType, value: bytes.subarray(at, at + size) });
      at += size;
    } else {
      throw new Error(`unsupported wire type ${wireType}`);
    }
  }
  return fields;
}

export function all(fields: WireField[], field: number): WireField[] {
  return fields.filter((f) => f.field === field);
}

export function getVarint(fields: WireField[], field: number): bigint | undefined {
  const f = all(fields, field).at(-1);
  return f !== undefined && typeof f.value === 'bigint' ? f.value : undefined;
}

export function getBytes(fields: WireField[], field: number): Uint8Array | undefined {
  const f = all(fields, field).at(-1);
  return f !== undefined && f.value instanceof Uint8Array && f.wireType === LEN ? f.value : undefined;
}

export function getString(fields: WireField[], field: number): string | undefined {
  const b = getBytes(fields, field);
  return b === undefined ? undefined : new TextDecoder().decode(b);
}

export function getFloat(fields: WireField[], field: number): number | undefined {
  const f = all(fields, field).at(-1);
  return f !== undefined && f.value instanceof Uint8Array && f.wireType === FIXED32 ? Buffer.from(f.value).readFloatLE(0) : undefined;
}

/** A signed int32 field read back from its varint. */
export function asInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}
