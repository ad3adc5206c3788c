import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

/** New link under a temporary name, then rename over the old one: never a moment without it. */
export async function applyRepointFirmwareLink(step: StepOf<'repoint-firmware-link'>, { host }: ActionContext): Promise<ActionResult> {
  await host.firmware.repointLink(step.dir, step.name, step.to);
  return { result: 'ok' };
}
