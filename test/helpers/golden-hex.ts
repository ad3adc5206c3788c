// Bytes as the golden tests write them by hand: spaced hex for reading
// (bytes('08 01', '10 02')), ascii() for string bodies, hex() to compare.

/** The hex of a string's bytes, to splice a string body into bytes(). */
export function ascii(text: string): string {
  return Buffer.from(text, 'latin1').toString('hex');
}

/** Hex parts, spaces ignored, as one byte array. */
export function bytes(...parts: string[]): Uint8Array {
  return Uint8Array.from(Buffer.from(parts.join('').replace(/\s+/g, ''), 'hex'));
}

export function hex(data: Uint8Array): string {
  return Buffer.from(data).toString('hex');
}
