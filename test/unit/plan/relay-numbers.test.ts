// Relay numbers for relays: auto, pure: the record is kept, new numbers go
// to VFs without one, existing relays are adopted, and only the numbers of
// VFs that are gone are ever given again.
import { describe, expect, it } from 'vitest';
import type { PciAddress } from '../../../src/model/pci.js';
import { assignRelayNumbers } from '../../../src/plan/relay-numbers.js';

const vf = (bus: number, i: number) => `0000:0${bus}:08.${i}` as PciAddress;
const a = [0, 1, 2].map((i) => vf(2, i));
const b = [0, 1, 2].map((i) => vf(3, i));

describe('assignRelayNumbers', () => {
  it('numbers new VFs from 1, in the order given, and keeps recorded ones where they are', () => {
    const first = assignRelayNumbers({ recorded: new Map(), vfs: [...a, ...b], attached: [] });
    expect([...first.record.values()]).toEqual([1, 2, 3, 4, 5, 6]);
    // The first PF is gone: the second keeps 4, 5, 6 and the first's numbers stay recorded.
    const gone = assignRelayNumbers({ recorded: first.record, vfs: b, attached: [] });
    expect(b.map((v) => gone.record.get(v))).toEqual([4, 5, 6]);
    expect(a.map((v) => gone.record.get(v))).toEqual([1, 2, 3]);
  });

  it('adopts the relays the forwarder already carries for VFs with no record, and leaves foreign numbers alone', () => {
    const other = '0000:05:08.0' as PciAddress;
    const r = assignRelayNumbers({
      recorded: new Map(),
      vfs: a,
      attached: [
        { virtioId: 7, vf: a[1] ?? vf(2, 1) },
        { virtioId: 1, vf: other },
      ],
    });
    expect(a.map((v) => r.record.get(v))).toEqual([2, 7, 3]);
  });

  it('when every number is held, gives again only those of VFs that are gone, and says which VFs got none', () => {
    const many = Array.from(
      { length: 59 },
      (_, i) => `0000:04:${(8 + Math.floor(i / 8)).toString(16).padStart(2, '0')}.${i % 8}` as PciAddress,
    );
    const full = assignRelayNumbers({ recorded: new Map(), vfs: many, attached: [] });
    expect(full.without).toEqual([]);
    const more = assignRelayNumbers({ recorded: full.record, vfs: [...many, ...a], attached: [] });
    expect(more.without).toEqual(a);
    const freed = assignRelayNumbers({ recorded: full.record, vfs: [...many.slice(2), ...a], attached: [] });
    expect(a.map((v) => freed.record.get(v))).toEqual([1, 2, undefined]);
    expect(freed.without).toEqual([a[2]]);
    expect(many.slice(2).every((v) => freed.record.get(v) === full.record.get(v))).toBe(true);
  });
});
