import { describe, expect, it } from 'vitest';
import { parseHookEvent, parseHookInvocation, type HookResult } from '../../../src/events/hooks.js';

function errorOf(r: HookResult): { code: string; message: string; hint: string | undefined } {
  if (r.kind !== 'error') throw new Error(`expected an error, got ${JSON.stringify(r)}`);
  return { code: r.error.code, message: r.error.message, hint: r.error.hint };
}

describe('vfkeeper hook networkmanager IFACE ACTION', () => {
  it.each(['up', 'pre-up'])('turns %s into a hook event for the interface', (action) => {
    expect(parseHookInvocation(['networkmanager', 'enp2s0np0', action], {})).toEqual({
      kind: 'event',
      dispatcher: 'networkmanager',
      event: { source: 'hook', kind: 'netdev', netdev: 'enp2s0np0', action },
    });
  });

  it.each([
    ['enp2s0np0', 'down'],
    ['none', 'hostname'],
    ['', 'connectivity-change'],
    ['tun0', 'vpn-up'],
  ])('ignores %j %s with the reason', (iface, action) => {
    const r = parseHookInvocation(['networkmanager', iface, action], {});
    expect(r).toEqual({ kind: 'ignored', reason: `networkmanager action "${action}" is not up or pre-up` });
  });

  it.each([
    ['$(reboot)', 'it contains a shell metacharacter'],
    ['a;b', 'it contains a shell metacharacter'],
    ['`id`', 'it contains a shell metacharacter'],
    ['eth0 x', 'it contains whitespace or a control character'],
    ['a/b', "it contains '/'"],
    ['..', '".." is reserved'],
    ['.', '"." is reserved'],
    ['', 'it is empty'],
    ['enp2s0np0abcdefg', 'it is 16 bytes long, the kernel allows at most 15'],
  ])('refuses the interface name %j: %s', (iface, why) => {
    const e = errorOf(parseHookInvocation(['networkmanager', iface, 'up'], {}));
    expect(e.code).toBe('ERR_NETDEV_NAME');
    expect(e.message).toBe(`hook networkmanager: ${JSON.stringify(iface)} is not a valid interface name: ${why}`);
    expect(e.hint).toMatch(/1-15 bytes/);
  });

  it('accepts a 15-byte name, the longest the kernel allows', () => {
    expect(parseHookInvocation(['networkmanager', 'enp2s0np0abcdef', 'up'], {}).kind).toBe('event');
  });

  it.each([[['networkmanager']], [['networkmanager', 'eth0']], [['networkmanager', 'eth0', 'up', 'extra']]])(
    'refuses %j as bad usage',
    (args) => {
      const e = errorOf(parseHookInvocation(args, {}));
      expect(e.code).toBe('ERR_HOOK_USAGE');
      expect(e.message).toMatch(/^hook networkmanager: expected IFACE and ACTION, got \d argument/);
      expect(e.hint).toMatch(/^usage: vfkeeper hook networkmanager IFACE ACTION/);
    },
  );
});

describe('vfkeeper hook networkd STATE', () => {
  it.each(['routable', 'configured'])('turns %s with IFACE from the environment into a hook event', (state) => {
    expect(parseHookInvocation(['networkd', state], { IFACE: 'enp2s0np0', STATE: state })).toEqual({
      kind: 'event',
      dispatcher: 'networkd',
      event: { source: 'hook', kind: 'netdev', netdev: 'enp2s0np0', action: state },
    });
  });

  it('takes STATE from the environment when the argument is left out', () => {
    expect(parseHookInvocation(['networkd'], { IFACE: 'eth1', STATE: 'routable' }).kind).toBe('event');
  });

  it.each(['degraded', 'carrier', 'no-carrier', 'off', 'configuring'])('ignores %s', (state) => {
    expect(parseHookInvocation(['networkd', state], { IFACE: 'eth1' })).toEqual({
      kind: 'ignored',
      reason: `networkd action "${state}" is not routable or configured`,
    });
  });

  it('refuses a missing IFACE, a missing STATE and a disagreement between argument and environment', () => {
    expect(errorOf(parseHookInvocation(['networkd', 'routable'], {})).message).toMatch(/IFACE is not set in the environment/);
    expect(errorOf(parseHookInvocation(['networkd'], { IFACE: 'eth1' })).message).toMatch(/STATE is missing/);
    expect(errorOf(parseHookInvocation(['networkd', 'routable'], { IFACE: 'eth1', STATE: 'degraded' })).message).toBe(
      'hook networkd: the STATE argument "routable" and STATE="degraded" in the environment differ',
    );
  });

  it('refuses a hostile IFACE from the environment', () => {
    const e = errorOf(parseHookInvocation(['networkd', 'routable'], { IFACE: 'x$(reboot)' }));
    expect(e.code).toBe('ERR_NETDEV_NAME');
    expect(e.message).toMatch(/"x\$\(reboot\)" is not a valid interface name/);
  });
});

describe('parseHookInvocation, other dispatchers', () => {
  it('refuses an unknown or missing dispatcher', () => {
    expect(errorOf(parseHookInvocation(['ifupdown', 'eth0'], {})).message).toBe(
      'hook: unknown dispatcher "ifupdown", expected networkmanager or networkd',
    );
    expect(errorOf(parseHookInvocation([], {})).code).toBe('ERR_HOOK_USAGE');
  });

  it('gives the control socket the same answers as the command line', () => {
    expect(parseHookEvent('networkd', 'eth1', 'routable')).toEqual(parseHookInvocation(['networkd', 'routable'], { IFACE: 'eth1' }));
    expect(parseHookEvent('networkmanager', 'a;b', 'up').kind).toBe('error');
  });
});
