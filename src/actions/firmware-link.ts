import { applyFirmwareLink } from '../host/firmware-links.js';
import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

/** New link under a temporary name, then rename over the old one: never a moment without it. */
export async function applyRepointFirmwareLink(step: StepOf<'repoint-firmware-link'>, _ctx: ActionContext): Promise<ActionResult> {
  await applyFirmwareLink(step.dir, step.name, step.to);
  return { result: 'ok' };
}
