// The pure half of the udev source: text from `udevadm monitor --property`
// in, WakeEvents and warnings out, whatever the chunking. No I/O; the
// source (udev.ts) feeds it and logs the warnings.
import { parseUdevRecord, type UdevEvent } from './udev-record.js';
import { UdevSplitter, type SplitItem } from './udev-splitter.js';

export type UdevOutput =
  | { kind: 'event'; event: UdevEvent }
  /** message ends with ", ignoring" (systemd style); line is where in the stream. */
  | { kind: 'warning'; message: string; line: number };

export class UdevParser {
  private readonly splitter: UdevSplitter;

  constructor(maxRecordChars?: number) {
    this.splitter = new UdevSplitter(maxRecordChars);
  }

  /** udevadm has said its monitor is set up (it prints the banner's UDEV line after that). */
  get listening(): boolean {
    return this.splitter.listening;
  }

  push(chunk: string): UdevOutput[] {
    return parseSplitItems(this.splitter.push(chunk));
  }

  /** The output ended (the child exited): reports a record left unfinished. */
  end(): UdevOutput[] {
    return parseSplitItems(this.splitter.end());
  }
}

export function parseSplitItems(items: readonly SplitItem[]): UdevOutput[] {
  const out: UdevOutput[] = [];
  for (const item of items) {
    if (item.kind === 'problem') {
      out.push({ kind: 'warning', message: `udev output: ${item.reason}, ignoring`, line: item.line });
      continue;
    }
    const result = parseUdevRecord(item.lines);
    if (result.kind === 'event') out.push({ kind: 'event', event: result.event });
    if (result.kind === 'malformed') {
      out.push({ kind: 'warning', message: `udev record at line ${item.line}: ${result.reason}, ignoring`, line: item.line });
    }
  }
  return out;
}
