// Typed reads from a decoded plain message. The decoder has already checked
// wire types and required fields; these guards turn what is left (unknown
// enum values, wrong shapes) into ERR_FORWARDER_MALFORMED naming the field.
import { ForwarderError } from '../forwarder-error.js';
import type { PlainMessage } from './schema.js';

function malformed(where: string, what: string): ForwarderError {
  return new ForwarderError('ERR_FORWARDER_MALFORMED', `${where}: ${what}`);
}

function isPlain(v: unknown): v is PlainMessage {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function optNumber(o: PlainMessage, key: string, where: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw malformed(where, `${key} is not a number`);
  return v;
}

export function readNumber(o: PlainMessage, key: string, where: string): number {
  const v = optNumber(o, key, where);
  if (v === undefined) throw malformed(where, `${key} is missing`);
  return v;
}

export function optString(o: PlainMessage, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw malformed(where, `${key} is not a string`);
  return v;
}

export function readString(o: PlainMessage, key: string, where: string): string {
  const v = optString(o, key, where);
  if (v === undefined) throw malformed(where, `${key} is missing`);
  return v;
}

export function optBool(o: PlainMessage, key: string, where: string): boolean | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw malformed(where, `${key} is not a bool`);
  return v;
}

export function readBool(o: PlainMessage, key: string, where: string): boolean {
  const v = optBool(o, key, where);
  if (v === undefined) throw malformed(where, `${key} is missing`);
  return v;
}

/** An enum field; a value outside `allowed` (unknown to this schema) is malformed. */
export function readEnum<T extends string>(o: PlainMessage, key: string, allowed: readonly T[], where: string): T {
  const v = o[key];
  const found = allowed.find((a) => a === v);
  if (found === undefined) throw malformed(where, `${key} has the unknown value ${JSON.stringify(v)}`);
  return found;
}

export function optMessage(o: PlainMessage, key: string, where: string): PlainMessage | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (!isPlain(v)) throw malformed(where, `${key} is not a message`);
  return v;
}

export function readMessage(o: PlainMessage, key: string, where: string): PlainMessage {
  const v = optMessage(o, key, where);
  if (v === undefined) throw malformed(where, `${key} is missing`);
  return v;
}

export function readMessages(o: PlainMessage, key: string, where: string): PlainMessage[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v)) throw malformed(where, `${key} is not a list`);
  return v.map((item, i) => {
    if (!isPlain(item)) throw malformed(where, `${key}[${i}] is not a message`);
    return item;
  });
}

export function readNumbers(o: PlainMessage, key: string, where: string): number[] {
  const v = o[key] ?? [];
  if (!Array.isArray(v)) throw malformed(where, `${key} is not a list`);
  return v.map((item, i) => {
    if (typeof item !== 'number') throw malformed(where, `${key}[${i}] is not a number`);
    return item;
  });
}
