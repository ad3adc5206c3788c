// One error base for the whole program: a stable code (ERR_*), a message that
// names its subject, a hint that says what to do, and the context that
// locates it (path, errno, PCI address). The CLI maps codes to exit statuses
// and prints the hint; the journal turns context into fields.
import type { ErrorCode } from './error-codes.js';

export type { ErrorCode };

export interface ErrorContext {
  path?: string | undefined;
  errno?: string | undefined;
  pci?: string | undefined;
  netdev?: string | undefined;
  virtioId?: number | undefined;
  file?: string | undefined;
  at?: string | undefined;
  /** A ZeroMQ endpoint, e.g. ipc:///var/run/virtio-forwarder/port_control. */
  endpoint?: string | undefined;
  /** The request that failed, as a short sentence (e.g. "ADD relay 7 VF 0000:02:08.3"). */
  request?: string | undefined;
  /** A peer's own error code and the function that returned it (forwarder ERROR replies). */
  errorCode?: number | undefined;
  errorCodeSource?: string | undefined;
}

export interface ErrorOptions extends ErrorContext {
  hint?: string | undefined;
  cause?: unknown;
}

// Every VfkeeperError carries this brand, from the global symbol registry, so
// that one made by another copy of this module is recognised as well: the
// CLI's front and status-alone's bundle each have their own (scripts/bundle.mjs).
const BRAND = Symbol.for('vfkeeper.VfkeeperError');

export class VfkeeperError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const { hint, cause: _cause, ...context } = options;
    this.name = 'VfkeeperError';
    this.code = code;
    this.hint = hint;
    this.context = context;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** Ours, from this copy of the module or another. */
export function isVfkeeperError(e: unknown): e is VfkeeperError {
  return e instanceof VfkeeperError || (typeof e === 'object' && e !== null && Reflect.get(e, BRAND) === true);
}

/** Any thrown value as a VfkeeperError, keeping the original as cause. */
export function asVfkeeperError(e: unknown, code: ErrorCode = 'ERR_INTERNAL'): VfkeeperError {
  if (e instanceof VfkeeperError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new VfkeeperError(code, message, { cause: e });
}
