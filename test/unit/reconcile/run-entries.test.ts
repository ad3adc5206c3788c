// The journal entry that starts a run says what woke it: one source, or
// every source of the events coalesced into it (a forwarder restart wakes
// vfkeeper through its unit and through its sockets reappearing).
import { describe, expect, it } from 'vitest';
import { runStartEntry } from '../../../src/reconcile/run-entries.js';
import { messageIdFor } from '../../../src/journal/message-ids.js';

const RUN = '0c2c3cf0e990458e853a2c94d00edf9a';

describe('runStartEntry', () => {
  it('names the one source that woke the run', () => {
    const e = runStartEntry({ run: RUN, event: 'udev', events: ['udev', 'udev', 'udev'] }, 'all PFs', false);
    expect(e).toMatchObject({ messageId: messageIdFor('run.start'), message: 'Reconcile run 0c2c3cf0 started (all PFs, woken by udev)' });
    expect(e.fields).toMatchObject({ VFKEEPER_RUN: RUN, VFKEEPER_EVENT: 'udev', VFKEEPER_EVENTS: undefined });
  });

  it('names every source coalesced into the run, the first in VFKEEPER_EVENT', () => {
    const e = runStartEntry({ run: RUN, event: 'file', events: ['file', 'unit', 'file'] }, 'all PFs', false);
    expect(e.message).toBe('Reconcile run 0c2c3cf0 started (all PFs, woken by file and unit)');
    expect(e.fields).toMatchObject({ VFKEEPER_EVENT: 'file', VFKEEPER_EVENTS: 'file unit' });
  });

  it('without the list (a command line run), names its own source', () => {
    expect(runStartEntry({ run: RUN, event: 'cli' }, '0000:02:00.0', true).message).toBe(
      'Reconcile run 0c2c3cf0 started (0000:02:00.0, woken by cli, dry run)',
    );
  });
});
