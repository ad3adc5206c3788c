// PCI addresses as the kernel prints them: DDDD:BB:SS.F, lower-case hex.
// Parsed once at the edge; everything inside carries the canonical form.
import { VfkeeperError } from './errors.js';

declare const brand: unique symbol;
/** Canonical PCI address, e.g. "0000:02:08.3". */
export type PciAddress = string & { readonly [brand]: 'PciAddress' };

export interface PciParts {
  domain: number;
  bus: number;
  slot: number;
  function: number;
}

const FULL = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/i;
const SHORT = /^([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$/i;

/** Accepts "0000:02:08.0" and "02:08.0" (domain 0000); anything else is an error. */
export function parsePciAddress(text: string, where = 'PCI address'): PciAddress {
  const s = text.trim();
  const full = FULL.exec(s);
  if (full) return s.toLowerCase() as PciAddress;
  const short = SHORT.exec(s);
  if (short) return `0000:${s}`.toLowerCase() as PciAddress;
  throw new VfkeeperError('ERR_PCI_ADDRESS', `${where}: "${text}" is not a PCI address`, {
    hint: 'write it as DDDD:BB:SS.F (e.g. 0000:02:08.0) or BB:SS.F (e.g. 02:08.0)',
  });
}

export function isPciAddress(text: string): boolean {
  return FULL.test(text) || SHORT.test(text);
}

export function pciParts(addr: PciAddress): PciParts {
  const m = FULL.exec(addr);
  if (!m) throw new VfkeeperError('ERR_PCI_ADDRESS', `"${addr}" is not a canonical PCI address`);
  return {
    domain: parseInt(m[1] ?? '0', 16),
    bus: parseInt(m[2] ?? '0', 16),
    slot: parseInt(m[3] ?? '0', 16),
    function: parseInt(m[4] ?? '0', 16),
  };
}

/**
 * Order of canonical addresses (fixed width, lowercase hex): their code
 * units compare as their numbers do. Not localeCompare, which gives the
 * same order here but loads ICU's collation data (2 MB of the node binary
 * made resident in a daemon that needs no other of it).
 */
export function comparePci(a: PciAddress, b: PciAddress): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The forwarder's own format: %04x:%02x:%02x.%x. */
export function formatPci(p: PciParts): PciAddress {
  const h = (n: number, w: number) => n.toString(16).padStart(w, '0');
  return `${h(p.domain, 4)}:${h(p.bus, 2)}:${h(p.slot, 2)}.${h(p.function, 1)}` as PciAddress;
}

/**
 * The routing id (bus << 8 | devfn) arithmetic the kernel uses for VF
 * addresses: VF n of a PF is at PF + offset + n * stride (pci_iov_virtfn_bus/devfn).
 */
export function vfAddress(pf: PciAddress, offset: number, stride: number, index: number): PciAddress {
  const p = pciParts(pf);
  const rid = (p.bus << 8) + (p.slot << 3) + p.function + offset + stride * index;
  return formatPci({ domain: p.domain, bus: (rid >> 8) & 0xff, slot: (rid >> 3) & 0x1f, function: rid & 0x7 });
}
