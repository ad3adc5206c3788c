import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UdevParser, type UdevOutput } from '../../../src/events/udev-parse.js';
import type { UdevEvent } from '../../../src/events/udev-record.js';

const fixtures = join(import.meta.dirname, '../../fixtures/udev');
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8');

/** Feeds text in chunks of `size` characters (0 = one chunk), then ends the stream. */
function parse(text: string, size = 0, maxRecordChars?: number): { events: UdevEvent[]; warnings: string[] } {
  const parser = new UdevParser(maxRecordChars);
  const out: UdevOutput[] = [];
  const step = size > 0 ? size : text.length || 1;
  for (let i = 0; i < text.length; i += step) out.push(...parser.push(text.slice(i, i + step)));
  out.push(...parser.end());
  return {
    events: out.flatMap((o) => (o.kind === 'event' ? [o.event] : [])),
    warnings: out.flatMap((o) => (o.kind === 'warning' ? [o.message] : [])),
  };
}

describe('UdevParser on recorded monitor output', () => {
  it('reads nothing and warns of nothing from the banner alone', () => {
    expect(parse(fixture('banner.txt'))).toEqual({ events: [], warnings: [] });
  });

  it('knows the monitor listens only once the UDEV line of the banner is out (udevadm prints it after setting up)', () => {
    const parser = new UdevParser();
    parser.push('monitor will print the received events for:\n');
    expect(parser.listening).toBe(false);
    parser.push('UDEV - the event which udev sends out after rule processing\n');
    expect(parser.listening).toBe(true);
  });

  it('follows a VF through add (no DRIVER), bind nvme, unbind, bind vfio-pci and remove, and the PF change', () => {
    const { events, warnings } = parse(fixture('vf-lifecycle.txt'));
    expect(warnings).toEqual([]);
    expect(events.map((e) => (e.kind === 'pci' ? [e.action, e.pci, e.driver] : null))).toEqual([
      ['add', '0000:01:00.1', null],
      ['change', '0000:01:00.0', 'nvme'],
      ['bind', '0000:01:00.1', 'nvme'],
      ['unbind', '0000:01:00.1', null],
      ['bind', '0000:01:00.1', 'vfio-pci'],
      ['remove', '0000:01:00.1', null],
    ]);
    expect(events[0]).toEqual({
      source: 'udev',
      kind: 'pci',
      action: 'add',
      pci: '0000:01:00.1',
      driver: null,
      pciId: '1b36:0010',
      physfn: null,
    });
  });

  it('sees a hot-added PF add before its bind, then its change', () => {
    const { events, warnings } = parse(fixture('pf-hotadd.txt'));
    expect(warnings).toEqual([]);
    expect(events.map((e) => (e.kind === 'pci' ? `${e.action} ${e.pci} ${e.driver ?? '-'}` : ''))).toEqual([
      'add 0000:01:00.0 -',
      'bind 0000:01:00.0 nvme',
      'change 0000:01:00.0 nvme',
    ]);
  });

  it('turns net add/move/change of a PCI netdev into events and ignores virtual ones and net remove', () => {
    const { events, warnings } = parse(fixture('netronome-net.txt'));
    expect(warnings).toEqual([]);
    expect(events).toEqual([
      { source: 'udev', kind: 'pci', action: 'bind', pci: '0000:02:00.0', driver: 'nfp', pciId: '19ee:4000', physfn: null },
      { source: 'udev', kind: 'net', action: 'add', netdev: 'enp2s0np0', pci: '0000:02:00.0' },
      { source: 'udev', kind: 'net', action: 'move', netdev: 'enp2s0np0', pci: '0000:02:00.0' },
      { source: 'udev', kind: 'net', action: 'change', netdev: 'enp2s0np0', pci: '0000:02:00.0' },
      { source: 'udev', kind: 'pci', action: 'add', pci: '0000:02:08.0', driver: null, pciId: '19ee:6003', physfn: null },
    ]);
  });

  it('skips garbage, malformed and truncated records with one warning each and keeps the good ones', () => {
    const { events, warnings } = parse(fixture('garbage.txt'));
    expect(events.map((e) => (e.kind === 'pci' ? `${e.action} ${e.pci}` : e.netdev))).toEqual(['bind 0000:01:00.2', 'unbind 0000:01:01.0']);
    expect(warnings).toHaveLength(9);
    for (const w of warnings) expect(w).toMatch(/, ignoring$/);
    const expected = [
      /2 line\(s\) of unexpected output at line 13/,
      /line 16: ACTION is missing/,
      /line 23: PCI_SLOT_NAME=\$\(reboot\) is not a PCI address/,
      /line 31: ACTION=bind disagrees with the header's unbind/,
      /line 38: property line 3 "this line has no equals sign" is not KEY=VALUE/,
      /record at line 46 is truncated: a new header came before its blank line/,
      /line 50: INTERFACE="a;b" is not an interface name: it contains a shell metacharacter/,
      /line 57: header "UDEV {2}\[bogus\] add \/x \(pci\)" is not/,
      /record at line 68 is truncated: the output ended before its blank line/,
    ];
    expected.forEach((re, i) => expect(warnings[i]).toMatch(re));
  });

  it.each([1, 2, 7, 64, 4096])('gives the same result whatever the chunk size (%i)', (size) => {
    for (const name of ['vf-lifecycle.txt', 'netronome-net.txt', 'garbage.txt']) {
      expect(parse(fixture(name), size)).toEqual(parse(fixture(name)));
    }
  });

  it('drops a record larger than the bound with a warning and reads the next one', () => {
    const big = Array.from({ length: 200 }, (_, i) => `ID_FILLER_${i}=${'x'.repeat(40)}`).join('\n');
    const text = fixture('vf-lifecycle.txt').replace('SEQNUM=2318\n', `SEQNUM=2318\n${big}\n`);
    const { events, warnings } = parse(text, 100, 4096);
    expect(warnings).toEqual(['udev output: record at line 4 is larger than 4096 characters, dropped, ignoring']);
    expect(events.map((e) => e.kind === 'pci' && e.action)).toEqual(['change', 'bind', 'unbind', 'bind', 'remove']);
  });

  it('drops one endless line without holding it in memory', () => {
    const parser = new UdevParser(1024);
    const out: UdevOutput[] = [];
    for (let i = 0; i < 100; i += 1) out.push(...parser.push('y'.repeat(1000)));
    out.push(...parser.push('\n\n'), ...parser.push(fixture('pf-hotadd.txt')), ...parser.end());
    expect(out.filter((o) => o.kind === 'warning')).toHaveLength(1);
    expect(out.filter((o) => o.kind === 'event')).toHaveLength(3);
  });

  it('parses 1,000 records that arrive in one chunk, in order', () => {
    const hex = (n: number) => n.toString(16).padStart(2, '0');
    const addr = (i: number) => `0000:${hex(0x10 + (i >> 8))}:${hex((i >> 3) & 0x1f)}.${i & 7}`;
    const record = (i: number) =>
      [
        `UDEV  [${100 + i}.000000] bind     /devices/pci0000:00/0000:00:02.0/${addr(i)} (pci)`,
        'ACTION=bind',
        `DEVPATH=/devices/pci0000:00/0000:00:02.0/${addr(i)}`,
        'SUBSYSTEM=pci',
        'DRIVER=vfio-pci',
        'PCI_ID=19EE:6003',
        `PCI_SLOT_NAME=${addr(i)}`,
        `SEQNUM=${5000 + i}`,
        '',
      ].join('\n');
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    const text = fixture('banner.txt') + ids.map(record).join('\n') + '\n';
    const { events, warnings } = parse(text);
    expect(warnings).toEqual([]);
    expect(events.map((e) => e.kind === 'pci' && `${e.pci} ${e.driver}`)).toEqual(ids.map((i) => `${addr(i)} vfio-pci`));
  });
});
