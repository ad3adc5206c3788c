// Stable VF MACs: derived from the PF's permanent MAC (or, without one, its
// PCI address) and the VF index, the same on every boot, so a VM's libvirt
// XML stays valid across re-creations. Locally administered, unicast.

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

function fnv1a64(text: string): bigint {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= BigInt(text.charCodeAt(i));
    h = (h * FNV_PRIME) & MASK64;
  }
  // fmix64 (MurmurHash3's finaliser): FNV alone leaves neighbouring
  // indexes with near-identical low bytes.
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & MASK64;
  h ^= h >> 33n;
  return h;
}

// The planner asks for every VF's MAC on every pass, and the 64-bit hash in
// BigInt arithmetic was the largest single cost of a converged run (a
// third of bench/per-event.mjs's CPU). The answer depends on its arguments
// alone, so it is remembered; a host has a few PFs of at most a few
// hundred VFs, and the memory is bounded all the same.
const MEMO_MAX = 4096;
const memo = new Map<string, string>();

export function deriveVfMac(seed: string, index: number): string {
  const key = `${seed}\u0000${index}`;
  let mac = memo.get(key);
  if (mac === undefined) {
    if (memo.size >= MEMO_MAX) memo.clear();
    mac = computeVfMac(seed, index);
    memo.set(key, mac);
  }
  return mac;
}

function computeVfMac(seed: string, index: number): string {
  const h = fnv1a64(`vfkeeper/${seed.toLowerCase()}/vf${index}`);
  const bytes: number[] = [];
  for (let i = 0; i < 6; i++) bytes.push(Number((h >> BigInt(8 * i)) & 0xffn));
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02; // locally administered (bit 1), unicast (bit 0 clear)
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function isUsableMac(mac: string | null): boolean {
  return mac !== null && mac !== '00:00:00:00:00:00';
}
