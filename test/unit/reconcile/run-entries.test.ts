// The journal entry that starts a run says what woke it: one source, or
// every source of the events coalesced into it (a forwarder restart wakes
// vfkeeper through its unit and through its sockets reappearing).
import { describe, expect, it } from 'vitest';
import { refusalEntry, runEndEntry, runStartEntry } from '../../../src/reconcile/run-entries.js';
import type { PciAddress } from '../../../src/model/pci.js';
import { messageIdFor } from '../../../src/journal/message-ids.js';
import { describeEvents } from '../../../src/events/describe-event.js';
import type { WakeEvent } from '../../../src/events/types.js';

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

  it('carries the events behind the run, described, in VFKEEPER_CAUSE', () => {
    const events: WakeEvent[] = [
      { source: 'udev', kind: 'pci', action: 'bind', pci: '0000:01:00.0' as PciAddress, driver: 'igb', pciId: '8086:10c9', physfn: null },
      { source: 'hook', kind: 'netdev', netdev: 'enp1s0', action: 'routable' },
      { source: 'file', kind: 'config', path: '/etc/vfkeeper/vfkeeper.yaml' },
      { source: 'timer', kind: 'resync' },
    ];
    const cause = describeEvents(events) ?? '';
    expect(cause).toBe('udev bind 0000:01:00.0 (igb); hook routable enp1s0; file config /etc/vfkeeper/vfkeeper.yaml; and 1 more');
    expect(runStartEntry({ run: RUN, event: 'udev', events: ['udev', 'hook'], cause }, '0000:01:00.0', false).fields?.VFKEEPER_CAUSE).toBe(
      cause,
    );
    expect(describeEvents([])).toBeUndefined();
  });

  it('without the list (a command line run), names its own source', () => {
    expect(runStartEntry({ run: RUN, event: 'cli' }, '0000:02:00.0', true).message).toBe(
      'Reconcile run 0c2c3cf0 started (0000:02:00.0, woken by cli, dry run)',
    );
  });
});

// A PF going away, coming back or being renamed by udev is a state: the
// journal says so at info priority, never as an error or "not converged".
describe('a PF that waits for the kernel or udev', () => {
  const ids = { run: RUN, event: 'udev' } as const;

  it('is logged at info, with VFKEEPER_RESULT=waiting', () => {
    const e = refusalEntry(ids, {
      kind: 'waiting',
      pf: '0000:01:00.0' as PciAddress,
      code: 'ERR_NO_PF_DRIVER',
      why: 'no driver yet',
      hint: 'wait',
    });
    expect(e).toMatchObject({ priority: 6, messageId: messageIdFor('refusal.blocked.ERR_NO_PF_DRIVER') });
    expect(e.fields).toMatchObject({ VFKEEPER_RESULT: 'waiting', VFKEEPER_ERROR: 'ERR_NO_PF_DRIVER', PCI_SLOT: '0000:01:00.0' });
  });

  it('ends its run at info, waiting rather than not converged', () => {
    const e = runEndEntry(ids, { done: 0, failed: 0, refused: 0, waiting: 1, converged: false, durationUsec: 10 });
    expect(e).toMatchObject({
      priority: 6,
      message: 'Reconcile run 0c2c3cf0 finished: 0 steps done, 0 failed, 0 refused, waiting for 1 PF to settle',
    });
  });

  it('relays waiting for a forwarder not started yet end the run at info; for one that took the query and did not answer, as a warning', () => {
    const absent = runEndEntry(ids, {
      done: 4,
      failed: 0,
      refused: 0,
      waiting: 0,
      relaysWaiting: 'absent',
      converged: false,
      durationUsec: 10,
    });
    expect(absent).toMatchObject({ priority: 6, message: expect.stringMatching(/, waiting for virtio-forwarder to start$/) });
    const pending = runEndEntry(ids, {
      done: 4,
      failed: 0,
      refused: 0,
      waiting: 0,
      relaysWaiting: 'pending',
      converged: false,
      durationUsec: 10,
    });
    expect(pending).toMatchObject({
      priority: 4,
      message: expect.stringMatching(/, not converged: the relays are waiting on the forwarder$/),
    });
    const waiting = refusalEntry(ids, {
      kind: 'waiting',
      pf: null,
      code: 'ERR_FORWARDER_PENDING',
      why: 'Relays are waiting on the forwarder',
      hint: 'h',
    });
    expect(waiting).toMatchObject({ priority: 4, messageId: messageIdFor('forwarder.waiting') });
  });

  it('beside a real refusal, the run is still not converged, as a warning', () => {
    const e = runEndEntry(ids, { done: 0, failed: 0, refused: 1, waiting: 1, converged: false, durationUsec: 10 });
    expect(e).toMatchObject({ priority: 4, message: expect.stringMatching(/not converged$/) });
  });
});
