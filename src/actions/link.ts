// Link state, MTU, VF MACs (rtnetlink through `ip`) and module loading.
import { pciDriver } from '../host/sysfs-paths.js';
import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

export async function applySetLinkUp(step: StepOf<'set-link-up'>, { host }: ActionContext): Promise<ActionResult> {
  await host.net.setLinkUp(step.netdev);
  return { result: 'ok' };
}

export async function applySetMtu(step: StepOf<'set-mtu'>, { host }: ActionContext): Promise<ActionResult> {
  await host.net.setMtu(step.netdev, step.to);
  return { result: 'ok' };
}

export async function applySetVfMac(step: StepOf<'set-vf-mac'>, { host }: ActionContext): Promise<ActionResult> {
  await host.net.setVfMac(step.netdev, step.index, step.to);
  return { result: 'ok' };
}

export async function applyLoadModule(step: StepOf<'load-module'>, { host }: ActionContext): Promise<ActionResult> {
  if (await host.sysfs.exists(pciDriver(step.module))) return { result: 'skipped', reason: 'already loaded' };
  await host.modules.load(step.module);
  return { result: 'ok' };
}
