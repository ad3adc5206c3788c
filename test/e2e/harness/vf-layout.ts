// The emulated PF's layout, as run-vm.sh builds it (docs/vm-testbed.md).

export const PF = '0000:01:00.0';

/** VF count of the emulated PF; VFKEEPER_E2E_VFS=N make e2e tries another. */
export function readVfCount(text: string | undefined): number {
  const n = Number(text ?? '4');
  if (!Number.isInteger(n) || n < 1 || n > 127) throw new Error(`VFKEEPER_E2E_VFS must be 1..127, not '${text}'`);
  return n;
}

/** VF i of the PF: routing id offset 1, stride 1 (QEMU's nvme), so ARI functions beyond 7 wrap into slots. */
export function formatVfAddress(index: number): string {
  const devfn = index + 1;
  return `0000:01:${(devfn >> 3).toString(16).padStart(2, '0')}.${(devfn & 7).toString(16)}`;
}
