// A writable stream that keeps what was written, standing in for stdout or
// stderr; `tty` makes it claim to be a terminal, as colour output checks.
import { Writable } from 'node:stream';

export interface CapturedStream {
  stream: Writable;
  text(): string;
  lines(): string[];
}

export function captureStream(options: { tty?: boolean } = {}): CapturedStream {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  if (options.tty === true) Object.assign(stream, { isTTY: true });
  return {
    stream,
    text: () => text,
    lines: () => text.split('\n').filter((line) => line !== ''),
  };
}
