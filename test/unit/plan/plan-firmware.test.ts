import { describe, expect, it } from 'vitest';
import { normalisePath, planFirmwareLinks, planFirmwareRepoints } from '../../../src/plan/plan-firmware.js';
import type { FirmwareTree } from '../../../src/model/firmware.js';

const DIR = '/lib/firmware/netronome';

function tree(links: Array<[string, string]>, flavourFiles: string[] | null): FirmwareTree {
  return { dir: DIR, links: links.map(([name, target]) => ({ name, target })), flavourFiles };
}

describe('planFirmwareLinks', () => {
  it('re-points links into another flavour to the same name under the configured one', () => {
    const plan = planFirmwareLinks(
      tree(
        [
          ['nic_AMDA0058-0012_2x40.nffw', 'nic/nic_AMDA0058-0012_2x40.nffw'],
          ['nic_AMDA0058-0011_2x40.nffw', 'nic-sriov/nic_AMDA0058-0011_2x40.nffw'],
          ['nic_AMDA0081-0001_1x40.nffw', 'flower/nic_AMDA0081-0001_1x40.nffw'],
        ],
        ['nic_AMDA0058-0011_2x40.nffw', 'nic_AMDA0058-0012_2x40.nffw', 'nic_AMDA0081-0001_1x40.nffw'],
      ),
      'nic-sriov',
    );
    expect(plan.verdicts.map((v) => [v.link.name, v.kind])).toEqual([
      ['nic_AMDA0058-0011_2x40.nffw', 'ok'],
      ['nic_AMDA0058-0012_2x40.nffw', 'repoint'],
      ['nic_AMDA0081-0001_1x40.nffw', 'repoint'],
    ]);
    expect(planFirmwareRepoints(plan).map((v) => [v.flavour, v.want])).toEqual([
      ['nic', 'nic-sriov/nic_AMDA0058-0012_2x40.nffw'],
      ['flower', 'nic-sriov/nic_AMDA0081-0001_1x40.nffw'],
    ]);
  });

  it('leaves a wrong link alone when the flavour has no file of that name', () => {
    const plan = planFirmwareLinks(
      tree([['nic_AMDA0099-0001_2x25.nffw', 'nic/nic_AMDA0099-0001_2x25.nffw']], ['nic_AMDA0058-0011_2x40.nffw']),
      'nic-sriov',
    );
    expect(plan.verdicts).toEqual([
      { kind: 'no-counterpart', link: { name: 'nic_AMDA0099-0001_2x25.nffw', target: 'nic/nic_AMDA0099-0001_2x25.nffw' }, flavour: 'nic' },
    ]);
    expect(planFirmwareRepoints(plan)).toEqual([]);
  });

  it('judges absolute targets inside the directory by their flavour, and leaves targets outside it alone', () => {
    const plan = planFirmwareLinks(
      tree(
        [
          ['a.nffw', '/lib/firmware/netronome/nic-sriov/a.nffw'],
          ['b.nffw', '/lib/firmware/netronome/nic/b.nffw'],
          ['c.nffw', '/opt/netronome/agilio-sriov-firmware/c.nffw'],
          ['d.nffw', './nic/../nic-sriov/d.nffw'],
          ['e.nffw', '../netronome/nic/e.nffw'],
        ],
        ['a.nffw', 'b.nffw', 'e.nffw'],
      ),
      'nic-sriov',
    );
    expect(plan.verdicts.map((v) => v.kind)).toEqual(['ok', 'repoint', 'external', 'ok', 'repoint']);
  });

  it('takes a target in the directory itself as no flavour', () => {
    const plan = planFirmwareLinks(tree([['x.nffw', 'x-real.nffw']], ['x.nffw']), 'nic-sriov');
    expect(plan.verdicts[0]).toMatchObject({ kind: 'repoint', flavour: '(top level)', want: 'nic-sriov/x.nffw' });
  });

  it('says when the flavour directory is missing', () => {
    const plan = planFirmwareLinks(tree([['x.nffw', 'nic/x.nffw']], null), 'nic-sriov');
    expect(plan.flavourPresent).toBe(false);
    expect(plan.verdicts[0]?.kind).toBe('no-counterpart');
  });
});

describe('normalisePath', () => {
  it.each([
    ['/a/./b/../c/', '/a/c'],
    ['/../x', '/x'],
    ['//lib//firmware', '/lib/firmware'],
  ])('%s -> %s', (input, out) => {
    expect(normalisePath(input)).toBe(out);
  });
});
