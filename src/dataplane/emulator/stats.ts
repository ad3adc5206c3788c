// The emulated forwarder's stats endpoint, as the forwarder answers:
// EBADR for an undecodable request, E2BIG for more relays than it has,
// out-of-range relay numbers simply absent, inactive relays dropped when
// include_inactive is false.
import { decodeStatsRequest, encodeStatsResponse } from '../proto/codec-stats.js';
import type { RelayState, StatsRequest } from '../proto/messages.js';
import type { RelayTable } from './relay-table.js';

export function readRelayStates(req: StatsRequest, table: RelayTable): RelayState[] {
  const ids = req.relay.length > 0 ? req.relay : Array.from({ length: table.maxRelays }, (_, i) => i);
  const states: RelayState[] = [];
  for (const id of ids) {
    const state = table.readState(id);
    if (state !== undefined && (req.include_inactive !== false || state.active)) states.push(state);
  }
  return states;
}

export function respondToStats(bytes: Uint8Array, table: RelayTable): Uint8Array {
  let req: StatsRequest;
  try {
    req = decodeStatsRequest(bytes);
  } catch {
    return encodeStatsResponse({ status: 'EBADR', relay: [] });
  }
  if (req.relay.length > table.maxRelays) return encodeStatsResponse({ status: 'E2BIG', relay: [] });
  return encodeStatsResponse({ status: 'OK', relay: readRelayStates(req, table) });
}
