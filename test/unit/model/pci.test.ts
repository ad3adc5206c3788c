import { describe, expect, it } from 'vitest';
import { comparePci, formatPci, parsePciAddress, pciParts, vfAddress } from '../../../src/model/pci.js';

describe('parsePciAddress', () => {
  it('accepts the full and the short form, canonical lower case', () => {
    expect(parsePciAddress('0000:02:08.0')).toBe('0000:02:08.0');
    expect(parsePciAddress('02:08.1')).toBe('0000:02:08.1');
    expect(parsePciAddress('0000:0A:1F.7')).toBe('0000:0a:1f.7');
  });

  it.each(['', '2:8.0', '0000:02:08', '0000:02:20.0', '0000:02:08.8', 'enp2s0np0', '0000:02:08.0 x'])(
    'rejects %j with a message naming it and the expected form',
    (bad) => {
      expect(() => parsePciAddress(bad, 'pfs[0].match.pci')).toThrow(/pfs\[0\]\.match\.pci: ".*" is not a PCI address/);
    },
  );

  it('round-trips through parts in the forwarder format', () => {
    const a = parsePciAddress('0000:02:08.3');
    expect(pciParts(a)).toEqual({ domain: 0, bus: 2, slot: 8, function: 3 });
    expect(formatPci(pciParts(a))).toBe(a);
  });
});

describe('vfAddress', () => {
  it('follows the kernel routing-id arithmetic (Agilio: VF0 at 02:08.0 is offset 64, stride 1)', () => {
    const pf = parsePciAddress('0000:02:00.0');
    expect(vfAddress(pf, 64, 1, 0)).toBe('0000:02:08.0');
    expect(vfAddress(pf, 64, 1, 9)).toBe('0000:02:09.1');
    expect(vfAddress(pf, 64, 1, 55)).toBe('0000:02:0e.7');
  });
  it('crosses function 7 with ARI (QEMU nvme: offset 1, stride 1)', () => {
    const pf = parsePciAddress('0000:01:00.0');
    expect(vfAddress(pf, 1, 1, 0)).toBe('0000:01:00.1');
    expect(vfAddress(pf, 1, 1, 7)).toBe('0000:01:01.0');
  });
});

describe('comparePci', () => {
  it('orders canonical addresses by domain, bus, slot and function, as their numbers do', () => {
    const parts = [
      { domain: 1, bus: 0, slot: 0, function: 0 },
      { domain: 0, bus: 0x10, slot: 0, function: 0 },
      { domain: 0, bus: 0x0a, slot: 0x1f, function: 7 },
      { domain: 0, bus: 2, slot: 0, function: 1 },
      { domain: 0, bus: 2, slot: 0, function: 0 },
      { domain: 0, bus: 2, slot: 0x0b, function: 0 },
    ];
    const numeric = (p: (typeof parts)[number]) => ((p.domain * 256 + p.bus) * 32 + p.slot) * 8 + p.function;
    const byNumber = [...parts].sort((a, b) => numeric(a) - numeric(b)).map(formatPci);
    expect(parts.map(formatPci).sort(comparePci)).toEqual(byNumber);
    expect(comparePci(parsePciAddress('02:00.0'), parsePciAddress('0000:02:00.0'))).toBe(0);
  });
});
