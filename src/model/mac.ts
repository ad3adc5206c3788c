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

export function deriveVfMac(seed: string, index: number): string {
  const h = fnv1a64(`vfkeeper/${seed.toLowerCase()}/vf${index}`);
  const bytes: number[] = [];
  for (let i = 0; i < 6; i++) bytes.push(Number((h >> BigInt(8 * i)) & 0xffn));
  bytes[0] = ((bytes[0] ?? 0) & 0xfc) | 0x02; // locally administered (bit 1), unicast (bit 0 clear)
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

export function isUsableMac(mac: string | null): boolean {
  return mac !== null && mac !== '00:00:00:00:00:00';
}
