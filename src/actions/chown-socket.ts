import type { StepOf } from '../model/step.js';
import type { ActionContext, ActionResult } from './context.js';

/** vhost-user sockets appear owned by root; QEMU (libvirt-qemu:kvm) must be able to connect. */
export async function applyChownSocket(step: StepOf<'chown-socket'>, { host }: ActionContext): Promise<ActionResult> {
  await host.files.chown(step.path, { uid: step.uid, gid: step.gid });
  return { result: 'ok' };
}
