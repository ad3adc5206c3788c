// CLI commands use the daemon when it runs (so `status` is served by it and
// `reconcile` never races it) and act alone otherwise. A command aimed at
// another host than the default one (--simulate, --sysfs-root) only talks
// to a daemon whose socket was named, so a test can never reach a real one.
import { requestControl, type ControlOutcome } from '../control/client.js';
import type { ControlRequest, JsonValue } from '../control/protocol.js';
import { parseErrorCode } from '../model/error-codes.js';
import { VfkeeperError } from '../model/errors.js';
import type { GlobalOptions } from './command.js';

export async function askDaemon(globals: GlobalOptions, request: ControlRequest, deadlineMs = 120_000): Promise<JsonValue | undefined> {
  const otherHost = globals.simulate !== undefined || globals.sysfsRoot !== undefined;
  if (otherHost && !globals.controlSocketGiven) return undefined;
  const outcome: ControlOutcome = await requestControl(globals.controlSocket, request, deadlineMs);
  if (outcome.kind === 'no-daemon') return undefined;
  const reply = outcome.reply;
  if (reply.ok) return reply.result;
  throw new VfkeeperError(parseErrorCode(reply.error.code), reply.error.message, { hint: reply.error.hint });
}
