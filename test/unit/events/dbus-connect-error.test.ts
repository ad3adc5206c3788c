// The D-Bus connect failure, as the operator reads it in the journal: the
// socket's path and what is wrong with it, never the socket library's C++
// source location.
import { describe, expect, it } from 'vitest';
import { describeConnectError, formatBusAddress } from '../../../src/events/dbus-connection.js';

const usocketError = (code?: string): Error =>
  Object.assign(new Error("ENOENT, USocket socket '../src/uwrap.cc:525'"), code ? { code } : {});

describe('a D-Bus connect failure in words', () => {
  it('says what is wrong with the socket, by its errno', () => {
    expect(describeConnectError(usocketError('ENOENT'))).toBe('no socket there (ENOENT)');
    expect(describeConnectError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe('nothing listens on it (ECONNREFUSED)');
    expect(describeConnectError(Object.assign(new Error('x'), { code: 'EPIPE' }))).toBe('EPIPE');
  });

  it('drops a C++ source location from a message with no errno', () => {
    expect(describeConnectError(usocketError())).toBe('ENOENT');
    expect(describeConnectError(new Error('the bus said no'))).toBe('the bus said no');
  });

  it('names the socket path of a unix: address', () => {
    expect(formatBusAddress('unix:path=/run/dbus/system_bus_socket')).toBe('/run/dbus/system_bus_socket');
    expect(formatBusAddress('tcp:host=localhost,port=1234')).toBe('tcp:host=localhost,port=1234');
  });
});
