// One LogEntry as one stderr line: `<N>` (journald reads it as the priority
// when a service's stderr goes to the journal), the message, then the fields
// compactly in brackets, readable at a terminal too:
//   <3>Failed to set sriov_numvfs on 0000:02:00.0 [VFKEEPER_RUN=r1 PCI_SLOT=0000:02:00.0 ERRNO=EBUSY]
import { formatEntryFields } from './format-journal-fields.js';
import type { LogEntry } from './types.js';

// Values made only of these need no quotes (PCI addresses, MACs, paths, ids).
const PLAIN_VALUE = /^[\w.:/@+,=-]+$/;

/** The line for an entry, ending in a newline. */
export function formatStderrLine(entry: LogEntry): string {
  const fields = formatEntryFields(entry).map(([name, value]) => `${name}=${formatStderrValue(value)}`);
  const suffix = fields.length > 0 ? ` [${fields.join(' ')}]` : '';
  return `<${entry.priority}>${escapeControls(entry.message)}${suffix}\n`;
}

function formatStderrValue(value: string): string {
  return PLAIN_VALUE.test(value) ? value : JSON.stringify(value);
}

// One entry must stay one line: journald would make a new entry, without the
// priority, of every further line.
export function escapeControls(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}
