// VF settings through the PF's netdev (ip link set PF vf N ...). The planner
// compared them already; a driver that does not implement one answers
// ERR_VF_SETTING_UNSUPPORTED, which the run loop turns into a warning.
import { VfkeeperError } from '../model/errors.js';
import { vfSettingChangeOf, type VfSettingStep } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

export async function applySetVfSetting(step: VfSettingStep, { host }: ActionContext): Promise<ActionResult> {
  const change = vfSettingChangeOf(step);
  if (change === null) throw new VfkeeperError('ERR_INTERNAL', `${step.kind} is not a VF setting`);
  await host.net.setVfSetting(step.netdev, step.index, change);
  return { result: 'ok' };
}
