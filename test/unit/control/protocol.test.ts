import { describe, expect, it } from 'vitest';
import { formatErrorReply, parseControlReply, parseControlRequest } from '../../../src/control/protocol.js';
import { VfkeeperError } from '../../../src/model/errors.js';

describe('parseControlRequest', () => {
  it('reads each request, filling in defaults', () => {
    expect(parseControlRequest('{"request":"status"}')).toEqual({ request: 'status' });
    expect(parseControlRequest('{"request":"reconcile"}')).toEqual({ request: 'reconcile', dryRun: false, force: false });
    expect(parseControlRequest('{"request":"reconcile","dryRun":true}')).toEqual({ request: 'reconcile', dryRun: true, force: false });
    expect(parseControlRequest('{"request":"hook","netdev":"eth0","action":"up","source":"networkmanager"}')).toEqual({
      request: 'hook',
      netdev: 'eth0',
      action: 'up',
      source: 'networkmanager',
    });
    expect(parseControlRequest('{"request":"pause","reason":"firmware update"}')).toEqual({ request: 'pause', reason: 'firmware update' });
    expect(parseControlRequest('{"request":"resume"}')).toEqual({ request: 'resume' });
  });

  it.each([
    ['not json', /^control request is not JSON: /],
    ['[1,2]', /^control request is invalid: Invalid input: expected object, received array$/],
    ['{"request":"reboot"}', /^control request is invalid: request: Invalid discriminator value/],
    ['{"request":"reconcile","dryrun":true}', /^control request is invalid: Unrecognized key: "dryrun"/],
    ['{"request":"reconcile","force":"yes"}', /^control request is invalid: force: Invalid input: expected boolean/],
    ['{"request":"pause"}', /^control request is invalid: reason: /],
    ['{"request":"pause","reason":""}', /^control request is invalid: reason: /],
    ['{"request":"hook","netdev":"eth0","action":"up","source":"ifupdown"}', /^control request is invalid: source: /],
  ])('refuses %s with ERR_CONTROL_REQUEST saying what is wrong', (line, message) => {
    let error: unknown;
    try {
      parseControlRequest(line);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(VfkeeperError);
    expect((error as VfkeeperError).code).toBe('ERR_CONTROL_REQUEST');
    expect((error as VfkeeperError).message).toMatch(message);
  });
});

describe('replies', () => {
  it('round-trips an error reply with its code and hint', () => {
    const line = formatErrorReply(new VfkeeperError('ERR_GUARD_VF_IN_USE', 'VF 0000:02:08.0 is in use', { hint: 'stop the VM first' }));
    expect(line.endsWith('\n')).toBe(true);
    expect(parseControlReply(line.trim())).toEqual({
      ok: false,
      error: { code: 'ERR_GUARD_VF_IN_USE', message: 'VF 0000:02:08.0 is in use', hint: 'stop the VM first' },
    });
  });

  it('refuses a reply that is not one of the two shapes', () => {
    expect(() => parseControlReply('{"ok":true}')).toThrow(/the daemon's reply is invalid: result/);
    expect(() => parseControlReply('<html>')).toThrow(/the daemon's reply is not JSON/);
  });
});
