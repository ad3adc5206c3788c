// The two generic operations on the protocol's messages (descriptors.ts),
// with the errors vfkeeper reports: a request it cannot encode is its own
// bug (ERR_FORWARDER_ENCODE); bytes it cannot decode are the forwarder's
// (ERR_FORWARDER_MALFORMED).
import { VfkeeperError } from '../../model/errors.js';
import { ForwarderError } from '../forwarder-error.js';
import { MESSAGES, type MessageName } from './descriptors.js';
import { decode, encode, EncodeProblem } from './wire-codec.js';

export type { MessageName };

export type PlainMessage = Record<string, unknown>;

/** Encodes a plain object (enum values by name); a missing required field is a programming error. */
export function encodeMessage(name: MessageName, value: object): Uint8Array {
  try {
    return encode(MESSAGES[name], value);
  } catch (e) {
    if (!(e instanceof EncodeProblem)) throw e;
    throw new VfkeeperError('ERR_FORWARDER_ENCODE', `cannot encode ${name}: ${e.message}`, {
      hint: 'this is a bug in vfkeeper: the request was built without a field the protocol requires',
    });
  }
}

/**
 * Decodes bytes into a plain object: enums by name (unknown values stay
 * numbers), 64-bit integers as numbers, absent optional fields absent,
 * repeated fields always arrays. Any wire error is ERR_FORWARDER_MALFORMED.
 */
export function decodeMessage(name: MessageName, bytes: Uint8Array): PlainMessage {
  try {
    return decode(MESSAGES[name], bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new ForwarderError('ERR_FORWARDER_MALFORMED', `${bytes.length} bytes are not a valid ${name}: ${why}`, {
      cause: e,
    });
  }
}
