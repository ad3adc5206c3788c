import { fstatSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stderrGoesToJournal } from '../../../src/journal/stderr-goes-to-journal.js';
import { captureStream } from '../../helpers/capture-stream.js';

describe('stderrGoesToJournal', () => {
  it("compares JOURNAL_STREAM with this process's stderr, as systemd.exec(5) says", () => {
    const st = fstatSync(2);
    expect(stderrGoesToJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino}` }, process.stderr)).toBe(true);
    // Inherited from a parent under systemd, but this stderr was redirected.
    expect(stderrGoesToJournal({ JOURNAL_STREAM: `${st.dev}:${st.ino + 1}` }, process.stderr)).toBe(false);
    expect(stderrGoesToJournal({}, process.stderr)).toBe(false);
  });

  it("goes by the variable alone for a caller's own stream", () => {
    expect(stderrGoesToJournal({ JOURNAL_STREAM: '8:1' }, captureStream().stream)).toBe(true);
    expect(stderrGoesToJournal({}, captureStream().stream)).toBe(false);
  });
});
