import type { Forwarder } from '../dataplane/types.js';
import type { Host } from '../host/types.js';

/** What an executor may touch: passed in, never global. */
export interface ActionContext {
  host: Host;
  /** null when relay management is off. */
  forwarder: Forwarder | null;
}

/** An executor either did its step, found it already done (skipped, with why), or throws. */
export type ActionResult = { result: 'ok'; detail?: string } | { result: 'skipped'; reason: string };
