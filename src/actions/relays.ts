// Port control against the resident forwarder: conditional ADD / REMOVE,
// so a relay that is already in the wanted state is not an error.
import { VfkeeperError } from '../model/errors.js';
import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

function forwarderOf(ctx: ActionContext): NonNullable<ActionContext['forwarder']> {
  if (ctx.forwarder === null) throw new VfkeeperError('ERR_FORWARDER_OFF', 'Relay management is off (forwarder.enabled: false)');
  return ctx.forwarder;
}

export async function applyAttachRelay(step: StepOf<'attach-relay'>, ctx: ActionContext): Promise<ActionResult> {
  await forwarderOf(ctx).attach(step.virtioId, step.vf);
  return { result: 'ok' };
}

export async function applyDetachRelay(step: StepOf<'detach-relay'>, ctx: ActionContext): Promise<ActionResult> {
  if (step.vf === null) return { result: 'skipped', reason: 'the relay has no VF' };
  await forwarderOf(ctx).detach(step.virtioId, step.vf);
  return { result: 'ok' };
}
