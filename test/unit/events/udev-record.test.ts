import { describe, expect, it } from 'vitest';
import { parseUdevRecord } from '../../../src/events/udev-record.js';
import { physfnReader } from '../../../src/events/udev-physfn.js';
import { parsePciAddress } from '../../../src/model/pci.js';

const pciRecord = (action: string, extra: string[] = [], slot = '0000:02:08.3') => [
  `UDEV  [10.000001] ${action.padEnd(8)} /devices/pci0000:00/0000:00:01.0/${slot} (pci)`,
  `ACTION=${action}`,
  `DEVPATH=/devices/pci0000:00/0000:00:01.0/${slot}`,
  'SUBSYSTEM=pci',
  `PCI_SLOT_NAME=${slot}`,
  ...extra,
];

describe('parseUdevRecord', () => {
  it('reads an empty DRIVER= as no driver and a PCI_ID in either case', () => {
    expect(parseUdevRecord(pciRecord('add', ['DRIVER=', 'PCI_ID=19EE:6003']))).toEqual({
      kind: 'event',
      event: { source: 'udev', kind: 'pci', action: 'add', pci: '0000:02:08.3', driver: null, pciId: '19ee:6003', physfn: null },
    });
  });

  it('keeps everything after the first = as the value', () => {
    const r = parseUdevRecord(pciRecord('bind', ['DRIVER=vfio-pci', 'ID_NET_LINK_FILE_DROPINS=a=b=c']));
    expect(r).toMatchObject({ kind: 'event', event: { driver: 'vfio-pci' } });
  });

  it.each([
    [pciRecord('online'), 'pci action online is not watched'],
    [
      ['KERNEL[10.000001] add      /devices/pci0000:00/0000:00:01.0/0000:02:08.3 (pci)', 'ACTION=add'],
      'a kernel uevent, not yet processed by udev',
    ],
    [
      [
        'UDEV  [10.000001] add      /devices/virtual/block/loop0 (block)',
        'ACTION=add',
        'DEVPATH=/devices/virtual/block/loop0',
        'SUBSYSTEM=block',
      ],
      'subsystem block is not watched',
    ],
    [
      [
        'UDEV  [10.000001] add      /devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/net/eth1 (net)',
        'ACTION=add',
        'DEVPATH=/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/net/eth1',
        'SUBSYSTEM=net',
        'INTERFACE=eth1',
      ],
      'eth1 is not on a PCI function (/devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0/net/eth1)',
    ],
  ])('ignores a record it has no use for, with the reason (%#)', (lines, reason) => {
    expect(parseUdevRecord(lines)).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    [pciRecord('bind', ['DRIVER=vfio pci']), 'DRIVER=vfio pci is not a driver name'],
    [pciRecord('bind', ['PCI_ID=19ee']), 'PCI_ID=19ee is not VVVV:DDDD'],
    [
      pciRecord('bind', [], '0000:02:08.3').map((l) => l.replace('PCI_SLOT_NAME=0000:02:08.3', 'PCI_SLOT_NAME=0000:02:08.4')),
      'PCI_SLOT_NAME=0000:02:08.4 is not the device of DEVPATH=/devices/pci0000:00/0000:00:01.0/0000:02:08.3',
    ],
    [pciRecord('bind').filter((l) => !l.startsWith('PCI_SLOT_NAME')), 'PCI_SLOT_NAME is missing'],
    [pciRecord('bind').filter((l) => !l.startsWith('SUBSYSTEM')), 'SUBSYSTEM is missing'],
    [[], 'header "" is not "UDEV [TIME] ACTION DEVPATH (SUBSYSTEM)"'],
  ])('calls a record that udev would not write malformed (%#)', (lines, reason) => {
    expect(parseUdevRecord(lines)).toEqual({ kind: 'malformed', reason });
  });
});

describe('physfnReader', () => {
  const links: Record<string, string> = { 'bus/pci/devices/0000:02:08.3/physfn': '../0000:02:00.0' };
  const read = physfnReader({
    readLink: async (path) => {
      if (path.includes('0000:02:08.4')) throw Object.assign(new Error(`EACCES: ${path}`), { code: 'EACCES' });
      const target = links[path];
      if (target === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return target;
    },
  });

  it("gives a VF's PF from its physfn link, and null for a PF or a device that is gone", async () => {
    expect(await read(parsePciAddress('0000:02:08.3'))).toBe('0000:02:00.0');
    expect(await read(parsePciAddress('0000:02:00.0'))).toBeNull();
  });

  it('rejects when the link is there but cannot be read: an unreadable link is not "a PF"', async () => {
    await expect(read(parsePciAddress('0000:02:08.4'))).rejects.toMatchObject({ code: 'EACCES' });
  });
});
