// Dispatcher hook invocations -> WakeEvents, pure. Never throws: a bad
// invocation is an "error" result carrying the VfkeeperError to print.
//
//   vfkeeper hook networkmanager IFACE ACTION   (NetworkManager dispatcher.d)
//   vfkeeper hook networkd STATE                (networkd-dispatcher <state>.d;
//                                                IFACE and STATE in the environment)
//
// Only the actions after which a PF may need its settings again matter:
// NetworkManager `up` / `pre-up`, networkd `routable` / `configured`. The
// others are "ignored" with the reason, before the interface name is even
// looked at (NetworkManager passes "none" or "" for hostname and
// connectivity-change).
import { messageIdFor } from '../journal/message-ids.js';
import { Priority, type LogEntry } from '../journal/types.js';
import { VfkeeperError, asVfkeeperError } from '../model/errors.js';
import { parseNetdevName } from './netdev-name.js';
import type { WakeEvent } from './types.js';

export type HookDispatcher = 'networkmanager' | 'networkd';
export type HookEvent = Extract<WakeEvent, { source: 'hook' }>;

export type HookResult =
  | { kind: 'event'; event: HookEvent; dispatcher: HookDispatcher }
  | { kind: 'ignored'; reason: string }
  | { kind: 'error'; error: VfkeeperError };

export const HOOK_ACTIONS: Readonly<Record<HookDispatcher, readonly string[]>> = {
  networkmanager: ['up', 'pre-up'],
  networkd: ['routable', 'configured'],
};

const USAGE = 'vfkeeper hook networkmanager IFACE ACTION | vfkeeper hook networkd STATE (IFACE in the environment)';

function usageError(message: string): HookResult {
  return { kind: 'error', error: new VfkeeperError('ERR_HOOK_USAGE', message, { hint: `usage: ${USAGE}` }) };
}

export function isHookDispatcher(name: string): name is HookDispatcher {
  return name === 'networkmanager' || name === 'networkd';
}

/** args: what follows `vfkeeper hook`; env: the hook's environment. */
export function parseHookInvocation(args: readonly string[], env: Readonly<Record<string, string | undefined>>): HookResult {
  const [dispatcher, ...rest] = args;
  if (dispatcher === 'networkmanager') return parseNetworkManagerArgs(rest);
  if (dispatcher === 'networkd') return parseNetworkdArgs(rest, env);
  if (dispatcher === undefined) return usageError('hook: which dispatcher is missing');
  return usageError(`hook: unknown dispatcher ${JSON.stringify(dispatcher)}, expected networkmanager or networkd`);
}

function parseNetworkManagerArgs(args: readonly string[]): HookResult {
  const [netdev, action] = args;
  if (args.length !== 2 || netdev === undefined || action === undefined) {
    return usageError(`hook networkmanager: expected IFACE and ACTION, got ${args.length} argument(s)`);
  }
  return parseHookEvent('networkmanager', netdev, action);
}

function parseNetworkdArgs(args: readonly string[], env: Readonly<Record<string, string | undefined>>): HookResult {
  if (args.length > 1) return usageError(`hook networkd: expected at most STATE, got ${args.length} arguments`);
  const [arg] = args;
  const fromEnv = env.STATE;
  if (arg !== undefined && fromEnv !== undefined && fromEnv !== arg) {
    return usageError(
      `hook networkd: the STATE argument ${JSON.stringify(arg)} and STATE=${JSON.stringify(fromEnv)} in the environment differ`,
    );
  }
  const state = arg ?? fromEnv;
  if (state === undefined) return usageError('hook networkd: STATE is missing (as the argument or in the environment)');
  if (!HOOK_ACTIONS.networkd.includes(state)) return parseHookEvent('networkd', env.IFACE ?? '', state);
  if (env.IFACE === undefined) return usageError('hook networkd: IFACE is not set in the environment (networkd-dispatcher sets it)');
  return parseHookEvent('networkd', env.IFACE, state);
}

/**
 * One hook event from its parts: shared by the command line and the control
 * socket's `hook` request, so both accept and refuse exactly the same things.
 */
export function parseHookEvent(dispatcher: HookDispatcher, netdev: string, action: string): HookResult {
  if (!HOOK_ACTIONS[dispatcher].includes(action)) {
    const wanted = HOOK_ACTIONS[dispatcher].join(' or ');
    return { kind: 'ignored', reason: `${dispatcher} action ${JSON.stringify(action)} is not ${wanted}` };
  }
  try {
    const name = parseNetdevName(netdev, `hook ${dispatcher}`);
    return { kind: 'event', event: { source: 'hook', kind: 'netdev', netdev: name, action }, dispatcher };
  } catch (e) {
    return { kind: 'error', error: asVfkeeperError(e, 'ERR_NETDEV_NAME') };
  }
}

/**
 * The journal entry for a hook whose interface is not a managed PF: the
 * dispatcher that ran the hook shows nothing, so the journal says why
 * nothing was done.
 */
export function formatIgnoredHook(netdev: string, action: string, why: string): LogEntry {
  return {
    priority: Priority.info,
    message: `Ignoring hook event ${action} for ${netdev}: ${why}`,
    messageId: messageIdFor('event.ignored'),
    fields: { VFKEEPER_EVENT: 'hook', NETDEV: netdev },
  };
}
