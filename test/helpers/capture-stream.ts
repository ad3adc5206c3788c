// A writable stream that keeps what was written, standing in for stderr.
import { Writable } from 'node:stream';

export interface CapturedStream {
  stream: Writable;
  text(): string;
  lines(): string[];
}

export function captureStream(): CapturedStream {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      callback();
    },
  });
  return {
    stream,
    text: () => text,
    lines: () => text.split('\n').filter((line) => line !== ''),
  };
}
