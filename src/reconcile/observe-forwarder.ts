// The forwarder's relays as one observation: every relay it knows, or why
// they are unknown (relay management off, the forwarder unreachable, or
// refusing). Never throws.
import { isForwarderError } from '../dataplane/forwarder-error.js';
import type { Forwarder } from '../dataplane/types.js';
import type { Config } from '../model/config.js';
import { asVfkeeperError } from '../model/errors.js';
import type { ObservedForwarder } from '../model/observed.js';

export const FORWARDER_OFF: ObservedForwarder = { reachable: false, reason: 'relay management is off (forwarder.enabled: false)' };

export async function observeForwarder(config: Config, forwarder: Forwarder | null): Promise<ObservedForwarder> {
  if (!config.forwarder.enabled || forwarder === null) return FORWARDER_OFF;
  try {
    return { reachable: true, relays: await forwarder.readRelays() };
  } catch (e) {
    // Nothing listening (no socket, connection refused): not started yet, waited for.
    return { reachable: false, reason: asVfkeeperError(e).message, absent: isForwarderError(e, 'ERR_FORWARDER_UNREACHABLE') };
  }
}
