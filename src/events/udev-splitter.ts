// Cuts the text stream of `udevadm monitor --property` into records, pure
// (no I/O): push() chunks as they arrive, end() when the stream ends.
//
// Invariants:
// - A record is a header line (isUdevHeaderLine) up to the next blank line.
//   A header that arrives before that blank line ends the previous record,
//   which is reported as truncated, never merged into the next one.
// - Memory is bounded: at most maxRecordChars of one record (or of one
//   unfinished line) is held; a larger record is dropped and reported once.
// - Lines outside any record are udevadm's banner (ignored silently) or
//   garbage (reported once per block of consecutive lines).
// - Every input line ends up in exactly one record or one problem, or was
//   banner text; nothing is reported twice.
import { isUdevHeaderLine } from './udev-record.js';

export type SplitItem =
  /** line: where the record's header is in the stream, 1-based. */
  { kind: 'record'; lines: string[]; line: number } | { kind: 'problem'; line: number; reason: string };

export const DEFAULT_MAX_RECORD_CHARS = 64 * 1024;

/** udevadm prints this line once its udev monitor socket is set up. */
export const UDEV_LISTENING_LINE = 'UDEV - the event which udev sends out after rule processing';

const BANNER: ReadonlySet<string> = new Set([
  'monitor will print the received events for:',
  UDEV_LISTENING_LINE,
  'KERNEL - the kernel uevent',
]);

interface OpenRecord {
  lines: string[];
  line: number;
  chars: number;
  oversize: boolean;
}

export class UdevSplitter {
  private partial = '';
  /** The unfinished line grew past the bound: its rest is skipped up to the next newline. */
  private skippingLine = false;
  private lineNo = 0;
  private record: OpenRecord | null = null;
  private garbage: { line: number; count: number } | null = null;
  private heardListening = false;

  constructor(private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS) {}

  /** The monitor has said it listens (its banner's UDEV line), or a record came. */
  get listening(): boolean {
    return this.heardListening;
  }

  push(chunk: string): SplitItem[] {
    const out: SplitItem[] = [];
    const pieces = chunk.split('\n');
    const last = pieces.pop() ?? '';
    for (const piece of pieces) this.takeLine(this.finishLine(piece), out);
    this.keepPartial(last);
    return out;
  }

  /** The stream ended: whatever is still open is incomplete. */
  end(): SplitItem[] {
    const out: SplitItem[] = [];
    if (this.partial !== '' || this.skippingLine) this.takeLine(this.finishLine(''), out);
    if (this.record) {
      out.push({
        kind: 'problem',
        line: this.record.line,
        reason: `record at line ${this.record.line} is truncated: the output ended before its blank line`,
      });
      this.record = null;
    }
    this.closeGarbage(out);
    return out;
  }

  /** The complete line, or null when it was too long and its text is gone. */
  private finishLine(piece: string): string | null {
    const overlong = this.skippingLine;
    const line = (this.partial + piece).replace(/\r$/, '');
    this.partial = '';
    this.skippingLine = false;
    return overlong || line.length > this.maxRecordChars ? null : line;
  }

  private keepPartial(piece: string): void {
    if (this.skippingLine) return;
    this.partial += piece;
    if (this.partial.length > this.maxRecordChars) {
      this.partial = '';
      this.skippingLine = true;
    }
  }

  private takeLine(line: string | null, out: SplitItem[]): void {
    this.lineNo += 1;
    if (line === '') return this.closeRecord(out);
    if (line !== null && isUdevHeaderLine(line)) return this.openRecord(line, out);
    if (this.record) return this.addToRecord(line);
    if (line === UDEV_LISTENING_LINE) this.heardListening = true;
    if (line !== null && BANNER.has(line)) return;
    if (this.garbage) this.garbage.count += 1;
    else this.garbage = { line: this.lineNo, count: 1 };
  }

  private openRecord(header: string, out: SplitItem[]): void {
    this.closeGarbage(out);
    if (this.record) {
      out.push({
        kind: 'problem',
        line: this.record.line,
        reason: `record at line ${this.record.line} is truncated: a new header came before its blank line`,
      });
    }
    this.record = { lines: [header], line: this.lineNo, chars: header.length, oversize: false };
    this.heardListening = true;
  }

  private addToRecord(line: string | null): void {
    const r = this.record;
    if (!r || r.oversize) return;
    r.chars += (line?.length ?? this.maxRecordChars) + 1;
    if (line === null || r.chars > this.maxRecordChars) {
      r.oversize = true;
      r.lines = [];
      return;
    }
    r.lines.push(line);
  }

  private closeRecord(out: SplitItem[]): void {
    this.closeGarbage(out);
    const r = this.record;
    this.record = null;
    if (!r) return;
    if (r.oversize)
      out.push({
        kind: 'problem',
        line: r.line,
        reason: `record at line ${r.line} is larger than ${this.maxRecordChars} characters, dropped`,
      });
    else out.push({ kind: 'record', lines: r.lines, line: r.line });
  }

  private closeGarbage(out: SplitItem[]): void {
    const g = this.garbage;
    this.garbage = null;
    if (g)
      out.push({ kind: 'problem', line: g.line, reason: `${g.count} line(s) of unexpected output at line ${g.line}, outside any record` });
  }
}
