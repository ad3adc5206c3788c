// The parsed schema and the two generic operations on it. Parsing happens
// once at module load; the Root is never modified afterwards.
import protobuf from 'protobufjs';
import { VfkeeperError } from '../../model/errors.js';
import { ForwarderError } from '../forwarder-error.js';
import { VIRTIOFORWARDER_PROTO } from './virtioforwarder-proto.js';

export type MessageName =
  | 'PortControlRequest'
  | 'PortControlResponse'
  | 'StatsRequest'
  | 'StatsResponse'
  | 'ConfigRequest'
  | 'ConfigResponse'
  | 'CoreSchedRequest'
  | 'CoreSchedResponse';

export type PlainMessage = Record<string, unknown>;

const ROOT = protobuf.parse(VIRTIOFORWARDER_PROTO, { keepCase: true }).root;

function lookupMessage(name: MessageName): protobuf.Type {
  return ROOT.lookupType(`virtioforwarder.${name}`);
}

/** Encodes a plain object (enum values by name); a missing required field is a programming error. */
export function encodeMessage(name: MessageName, value: object): Uint8Array {
  const type = lookupMessage(name);
  const message = type.fromObject(value);
  const problem = type.verify(message);
  if (problem !== null) {
    throw new VfkeeperError('ERR_FORWARDER_ENCODE', `cannot encode ${name}: ${problem}`, {
      hint: 'this is a bug in vfkeeper: the request was built without a field the protocol requires',
    });
  }
  return type.encode(message).finish();
}

/**
 * Decodes bytes into a plain object: enums by name (unknown values stay
 * numbers), 64-bit integers as numbers, absent optional fields absent,
 * repeated fields always arrays. Any wire error is ERR_FORWARDER_MALFORMED.
 */
export function decodeMessage(name: MessageName, bytes: Uint8Array): PlainMessage {
  const type = lookupMessage(name);
  try {
    const message = type.decode(bytes);
    const plain: unknown = type.toObject(message, { enums: String, longs: Number, arrays: true });
    return plain as PlainMessage;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ForwarderError('ERR_FORWARDER_MALFORMED', `${bytes.length} bytes are not a valid ${name}: ${why}`, {
      cause: e,
    });
  }
}
