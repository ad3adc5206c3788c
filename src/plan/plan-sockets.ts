// Sockets (design.md step 6): the forwarder's socket directory and every
// vhost-user socket in it owned by the configured user:group, so QEMU
// (libvirt-qemu:kvm) can connect. Pure.
import type { ObservedSockets } from '../model/observed.js';
import type { Refusal, Step } from '../model/step.js';

export function planSockets(sockets: ObservedSockets | null, ownerSpec: string): { steps: Step[]; refusals: Refusal[] } {
  if (sockets === null) return { steps: [], refusals: [] };
  if (sockets.listError !== null) {
    return {
      steps: [],
      refusals: [
        {
          kind: 'blocked',
          pf: null,
          code: 'ERR_SOCKET_DIR',
          why: `Cannot list the socket directory ${sockets.dir}: ${sockets.listError}`,
          hint: "check the directory's permissions and forwarder.socket_dir",
        },
      ],
    };
  }
  if (sockets.entries.length === 0) return { steps: [], refusals: [] };
  const owner = sockets.owner;
  if (owner === null) {
    return {
      steps: [],
      refusals: [
        {
          kind: 'blocked',
          pf: null,
          code: 'ERR_SOCKET_OWNER',
          why: `Cannot own ${sockets.dir} by ${ownerSpec}: ${sockets.ownerError ?? 'unknown owner'}`,
          hint: 'create the user and group, or set forwarder.socket_owner',
        },
      ],
    };
  }
  const steps: Step[] = sockets.entries
    .filter((e) => e.uid !== owner.uid || e.gid !== owner.gid)
    .map((e) => ({
      kind: 'chown-socket',
      path: e.path,
      uid: owner.uid,
      gid: owner.gid,
      owner: ownerSpec,
      why: `owned by ${e.uid}:${e.gid}, want ${ownerSpec} (${owner.uid}:${owner.gid})`,
    }));
  return { steps, refusals: [] };
}
