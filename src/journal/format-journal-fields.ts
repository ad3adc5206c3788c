// A LogEntry as the `NAME=value` strings the journald binding sends (its
// priority travels separately). Pure: shared by the journald and the stderr
// sinks so both show the same names and values.
import type { FieldValue, LogEntry } from './types.js';

/** Set from the entry itself; a field of the same name in `fields` is ignored. */
const RESERVED = new Set(['PRIORITY', 'MESSAGE', 'MESSAGE_ID', 'SYSLOG_IDENTIFIER', 'OBJECT_SYSTEMD_UNIT']);

// journald's own rule (journal_field_valid): upper-case letters, digits and
// underscores, not starting with a digit, at most 64 characters; a leading
// underscore marks fields only journald itself may set.
const VALID_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * A field name as journald accepts it: upper-cased, `-`, `.` and spaces as
 * `_`; null when it still is not a valid name (journald would drop it).
 */
export function formatFieldName(name: string): string | null {
  const upper = name.toUpperCase().replace(/[-. ]/g, '_');
  return VALID_NAME.test(upper) ? upper : null;
}

/**
 * A field value as text; null for undefined and null (dropped). NUL
 * characters are removed: the binding copies values with strdup() but sends
 * the JavaScript length, so a NUL would make it read past its copy.
 */
export function formatFieldValue(value: FieldValue): string | null {
  if (value === undefined || value === null) return null;
  return String(value).replaceAll('\0', '');
}

/** The entry's own fields, valid names only, in the order given. */
export function formatEntryFields(entry: LogEntry): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [rawName, rawValue] of Object.entries(entry.fields ?? {})) {
    const name = formatFieldName(rawName);
    const value = formatFieldValue(rawValue);
    if (name === null || value === null || RESERVED.has(name)) continue;
    out.push([name, value]);
  }
  return out;
}

/**
 * Every field of the entry as `NAME=value`, identifier and message first.
 * aboutUnit: the unit the entry is about (OBJECT_SYSTEMD_UNIT). `journalctl
 * -u` shows a root process's entries that name the unit this way, so a
 * hook's or an operator's one-off run sits beside the daemon's.
 */
export function formatJournalFields(entry: LogEntry, identifier: string, aboutUnit?: string): string[] {
  const out = [`SYSLOG_IDENTIFIER=${identifier}`, `MESSAGE=${entry.message.replaceAll('\0', '')}`];
  if (entry.messageId !== undefined) out.push(`MESSAGE_ID=${entry.messageId}`);
  if (aboutUnit !== undefined) out.push(`OBJECT_SYSTEMD_UNIT=${aboutUnit}`);
  for (const [name, value] of formatEntryFields(entry)) out.push(`${name}=${value}`);
  return out;
}
