// Relay numbers (virtio_id): what the forwarder accepts. Its MAX_RELAYS is
// 60, relays 0..59 (a higher number is refused with status ERROR, and the
// stats endpoint answers E2BIG for more than 60); vfkeeper numbers from 1,
// as the guide does, so a VM's relay is never the forwarder's relay 0.
export const MIN_VIRTIO_ID = 1;
export const MAX_VIRTIO_ID = 59;

export function isVirtioId(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_VIRTIO_ID && n <= MAX_VIRTIO_ID;
}
