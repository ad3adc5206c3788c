// The SR-IOV attributes of a PF. The planner already decided the order
// (0 before a new count); these only write, and the kernel's no-op for an
// unchanged value is success.
import { pciAttr } from '../host/sysfs-paths.js';
import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

export async function applySetNumVfs(step: StepOf<'set-numvfs'>, { host }: ActionContext): Promise<ActionResult> {
  await host.sysfs.write(pciAttr(step.pf, 'sriov_numvfs'), `${step.to}\n`);
  return { result: 'ok' };
}

export async function applySetAutoprobe(step: StepOf<'set-autoprobe'>, { host }: ActionContext): Promise<ActionResult> {
  await host.sysfs.write(pciAttr(step.pf, 'sriov_drivers_autoprobe'), step.to ? '1\n' : '0\n');
  return { result: 'ok' };
}
