import { describe, expect, it } from 'vitest';
import { formatFieldName, formatJournalFields } from '../../../src/journal/format-journal-fields.js';
import { formatStderrLine } from '../../../src/journal/format-stderr-line.js';
import { Priority, type LogEntry } from '../../../src/journal/types.js';

const failure: LogEntry = {
  priority: Priority.err,
  message: 'Failed to set sriov_numvfs of 0000:02:00.0 to 16: Device or resource busy',
  messageId: '41fd9c156da34836bc811be1ca23c5e6',
  fields: {
    VFKEEPER_RUN: 'r-7f3a',
    PCI_SLOT: '0000:02:00.0',
    VF_PCI_SLOT: null,
    VIRTIO_ID: undefined,
    ERRNO: 'EBUSY',
    DURATION_USEC: 1500n,
    VFKEEPER_FORCED: false,
  },
};

describe('formatJournalFields', () => {
  it('sends identifier, message, message id, then the fields as text, without null and undefined ones', () => {
    expect(formatJournalFields(failure, 'vfkeeper')).toEqual([
      'SYSLOG_IDENTIFIER=vfkeeper',
      'MESSAGE=Failed to set sriov_numvfs of 0000:02:00.0 to 16: Device or resource busy',
      'MESSAGE_ID=41fd9c156da34836bc811be1ca23c5e6',
      'VFKEEPER_RUN=r-7f3a',
      'PCI_SLOT=0000:02:00.0',
      'ERRNO=EBUSY',
      'DURATION_USEC=1500',
      'VFKEEPER_FORCED=false',
    ]);
  });

  it('does not let fields override the entry’s own identifier, priority, message or id', () => {
    const entry: LogEntry = {
      priority: Priority.info,
      message: 'm',
      fields: { MESSAGE: 'x', priority: 0, SYSLOG_IDENTIFIER: 'y', MESSAGE_ID: 'z' },
    };
    expect(formatJournalFields(entry, 'vfkeeper')).toEqual(['SYSLOG_IDENTIFIER=vfkeeper', 'MESSAGE=m']);
  });

  it('removes NUL characters, which the binding would read past', () => {
    const entry: LogEntry = { priority: Priority.info, message: 'a\0b', fields: { NETDEV: 'en\0p2' } };
    expect(formatJournalFields(entry, 'vfkeeper')).toEqual(['SYSLOG_IDENTIFIER=vfkeeper', 'MESSAGE=ab', 'NETDEV=enp2']);
  });

  it('keeps newlines in values (journald stores them in its binary form)', () => {
    const entry: LogEntry = { priority: Priority.info, message: 'two\nlines', fields: { WHY: 'a\nb' } };
    expect(formatJournalFields(entry, 'vfkeeper')).toContain('WHY=a\nb');
  });
});

describe('formatFieldName', () => {
  it('upper-cases and turns - . and spaces into _', () => {
    expect(formatFieldName('vf-index')).toBe('VF_INDEX');
    expect(formatFieldName('pci.slot')).toBe('PCI_SLOT');
    expect(formatFieldName('PCI_SLOT')).toBe('PCI_SLOT');
  });

  it.each(['', '_PID', '1ST', 'A/B', 'É', 'X'.repeat(65)])('rejects %j, which journald would drop', (name) => {
    expect(formatFieldName(name)).toBeNull();
  });
});

describe('formatStderrLine', () => {
  it('writes <N>, the message and the fields compactly, without the message id', () => {
    expect(formatStderrLine(failure)).toBe(
      '<3>Failed to set sriov_numvfs of 0000:02:00.0 to 16: Device or resource busy ' +
        '[VFKEEPER_RUN=r-7f3a PCI_SLOT=0000:02:00.0 ERRNO=EBUSY DURATION_USEC=1500 VFKEEPER_FORCED=false]\n',
    );
  });

  it('writes no brackets for an entry without fields', () => {
    expect(formatStderrLine({ priority: Priority.notice, message: 'vfkeeper is running' })).toBe('<5>vfkeeper is running\n');
  });

  it('quotes values with spaces or quotes, and keeps an entry on one line', () => {
    const entry: LogEntry = { priority: Priority.warning, message: 'first\nsecond\tthird\x07', fields: { WHY: 'numvfs 0, want "max"\n' } };
    expect(formatStderrLine(entry)).toBe('<4>first\\nsecond\\tthird\\x07 [WHY="numvfs 0, want \\"max\\"\\n"]\n');
  });
});

describe('formatJournalFields about a unit', () => {
  it('names the unit in OBJECT_SYSTEMD_UNIT, which an entry\u2019s own fields cannot override', () => {
    const entry = { priority: 6, message: 'm', fields: { OBJECT_SYSTEMD_UNIT: 'sshd.service' } } as const;
    expect(formatJournalFields(entry, 'vfkeeper', 'vfkeeper.service')).toEqual([
      'SYSLOG_IDENTIFIER=vfkeeper',
      'MESSAGE=m',
      'OBJECT_SYSTEMD_UNIT=vfkeeper.service',
    ]);
    expect(formatJournalFields(entry, 'vfkeeper')).toEqual(['SYSLOG_IDENTIFIER=vfkeeper', 'MESSAGE=m']);
  });
});
