// What to do when the forwarder answers status ERROR. The codes are the
// return values of the forwarder's port functions (virtio_worker.c,
// virtio_vhostuser.c); anything else gets the generic advice. Pure.
import type { PortControlOp } from '../proto/messages.js';

const GENERIC = 'the forwarder logs its reason: journalctl -u virtio-forwarder';

const BY_SOURCE_AND_CODE: Record<string, Record<number, string>> = {
  'virtio_forwarder_add_vf2()': {
    1: "the relay number is outside the forwarder's range (0..59)",
    2: 'DPDK could not take the VF: bind it to vfio-pci (driver_override) and check the IOMMU group; ' + GENERIC,
    8: 'the relay already has a VF (another one, or this ADD was unconditional): REMOVE it first',
  },
  'virtio_forwarder_remove_vf2()': {
    1: "the relay number is outside the forwarder's range (0..59)",
    3: 'the relay holds a different VF than the one named: read the stats and REMOVE that one',
    4: 'the relay has no VF (an unconditional REMOVE of a detached relay)',
  },
  'virtio_forwarder_bond_add()': {
    3: "one of the bond's VFs is already in use by the forwarder",
    8: 'the relay already has a VF or bond: REMOVE it first',
  },
  'virtio_add_sock_dev_pair()': {
    1: 'that vhost-user socket is already registered',
    2: 'no idle relay is left for a dynamic socket (sockets made at start take every relay unless VIRTIOFWD_DYNAMIC_SOCKETS is set)',
    [-17]: 'the VF is already attached to a relay',
  },
};

export function formatRefusalHint(op: PortControlOp, errorCode: number | undefined, source: string | undefined): string {
  if (errorCode === undefined) {
    const qualifier = op === 'QUERY_PCI' ? 'vhost_path' : 'virtio_id, PCI addresses, bond name and vhost_path';
    return `the forwarder rejected the request's fields (${qualifier}); ${GENERIC}`;
  }
  const specific = source === undefined ? undefined : BY_SOURCE_AND_CODE[source]?.[errorCode];
  return specific ?? GENERIC;
}
