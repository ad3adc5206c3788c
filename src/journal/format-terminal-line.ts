// One LogEntry as one line for a person at a terminal (no journald, stderr
// not the journal's): the message, with "warning: " or "error: " before it
// when it is one. The fields stay out; `<N>` lines (format-stderr-line.ts)
// carry them for journald.
import { escapeControls } from './format-stderr-line.js';
import { Priority, type LogEntry } from './types.js';

export function formatTerminalLine(entry: LogEntry): string {
  const label = entry.priority <= Priority.err ? 'error: ' : entry.priority === Priority.warning ? 'warning: ' : '';
  return `${label}${escapeControls(entry.message)}\n`;
}
