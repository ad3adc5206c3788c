import { describe, expect, it } from 'vitest';
import { formatCpuList, nodesOfCpus, parseCpuSpec } from '../../../src/model/numa.js';
import { formatFullXml } from '../../../src/report/libvirt-xml.js';

describe('CPU lists and masks', () => {
  it.each([
    ['1,2', [1, 2]],
    ['0-3,8', [0, 1, 2, 3, 8]],
    ['0x6', [1, 2]],
    ['0X30', [4, 5]],
    ['', null],
    ['one', null],
    ['3-1', null],
  ])('%j -> %j', (text, cpus) => {
    expect(parseCpuSpec(text)).toEqual(cpus);
  });

  it('formats ranges and finds the nodes CPUs sit on', () => {
    expect(formatCpuList([8, 0, 1, 2, 3, 10])).toBe('0-3,8,10');
    const nodes = new Map([
      [0, [0, 1, 2, 3]],
      [1, [4, 5, 6, 7]],
    ]);
    expect(nodesOfCpus([1, 2], nodes)).toEqual([0]);
    expect(nodesOfCpus([3, 4], nodes)).toEqual([0, 1]);
  });
});

describe('formatFullXml', () => {
  const input = { virtioId: 1, mac: '02:00:00:00:00:01', socket: '/tmp/virtio-forwarder/virtio-forwarder1.sock', vf: '0000:82:08.0' };
  it("puts hugepages and the guest's memory on the PF's node and names the forwarder's CPUs", () => {
    const xml = formatFullXml(input, { node: 1, forwarderCpus: '1-2' });
    expect(xml).toContain("<page size='1048576' unit='KiB' nodeset='1'/>");
    expect(xml).toContain("<memnode cellid='0' mode='strict' nodeset='1'/>");
    expect(xml).toContain('host NUMA node 1: the node of the PF of 0000:82:08.0');
    expect(xml).toContain('host CPUs 1-2 (VIRTIOFWD_CPU_MASK)');
  });

  it('says so when the PF reports no node, and uses node 0', () => {
    const xml = formatFullXml(input, { node: null, forwarderCpus: null });
    expect(xml).toContain("nodeset='0'");
    expect(xml).toContain('reports no NUMA node');
    expect(xml).not.toContain('VIRTIOFWD_CPU_MASK');
  });
});
