// The one error class of the forwarder client: a VfkeeperError whose code
// says which way the conversation failed, with the endpoint and the request
// in its message and context, and a hint that says what to do.
import { VfkeeperError, type ErrorOptions } from '../model/errors.js';

export type ForwarderErrorCode =
  /** Nothing to talk to: no endpoint, ipc path absent, connection refused. */
  | 'ERR_FORWARDER_UNREACHABLE'
  /** Connected (or connecting) but no reply within the deadline. */
  | 'ERR_FORWARDER_TIMEOUT'
  /** The forwarder answered status ERROR. */
  | 'ERR_FORWARDER_REFUSED'
  /** A reply (or, in the emulator, a request) that does not decode as the protocol says. */
  | 'ERR_FORWARDER_MALFORMED';

export const HINT_START_SERVICE = 'start the forwarder (systemctl start virtio-forwarder) and check `systemctl status virtio-forwarder`';
export const HINT_IPC_PORT_CONTROL =
  'IPC port control is off: set VIRTIOFWD_IPC_PORT_CONTROL=true in /etc/default/virtioforwarder, then systemctl restart virtio-forwarder';

export class ForwarderError extends VfkeeperError {
  override readonly code: ForwarderErrorCode;

  constructor(code: ForwarderErrorCode, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.name = 'ForwarderError';
    this.code = code;
  }
}

export function isForwarderError(e: unknown, code?: ForwarderErrorCode): e is ForwarderError {
  return e instanceof ForwarderError && (code === undefined || e.code === code);
}

/** Not there, or not answering: within one run, asking again only waits out another deadline. */
export function isForwarderGone(e: unknown): boolean {
  return isForwarderError(e, 'ERR_FORWARDER_UNREACHABLE') || isForwarderError(e, 'ERR_FORWARDER_TIMEOUT');
}
