// The logging port. Library code returns; the reconciler and the CLI log
// once, at the top, through this interface. Implementations never throw
// and never block a run.

/** syslog priorities, as journald's PRIORITY field. */
export const Priority = {
  emerg: 0,
  alert: 1,
  crit: 2,
  err: 3,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
} as const;
export type Priority = (typeof Priority)[keyof typeof Priority];

export type FieldValue = string | number | bigint | boolean | undefined | null;

export interface LogEntry {
  priority: Priority;
  /** One readable sentence naming its subject. */
  message: string;
  /** 128-bit id (32 hex digits) with an entry in units/vfkeeper.catalog. */
  messageId?: string;
  /** Journal fields, upper-case names (VFKEEPER_RUN, PCI_SLOT...); undefined/null ones are dropped. */
  fields?: Record<string, FieldValue>;
}

export interface Logger {
  log(entry: LogEntry): void;
  /** Resolves once everything logged so far has been handed to its sink. */
  flush(): Promise<void>;
}

/** A Logger that holds a resource (the journal worker thread): close() flushes, then releases it. */
export interface ClosableLogger extends Logger {
  close(): Promise<void>;
}
