import { describe, expect, it } from 'vitest';
import { compareVersions, isSriovFirmware, parseFirmwareApp } from '../../../src/model/firmware.js';

describe('parseFirmwareApp', () => {
  it('finds the application part in the whole ethtool line or alone', () => {
    expect(parseFirmwareApp('0.0.3.5 0.22 sriov-2.1.14 nic')).toEqual({ name: 'sriov', version: [2, 1, 14] });
    expect(parseFirmwareApp('0.0.3.5 0.22 nic-2.0.4 nic')).toEqual({ name: 'nic', version: [2, 0, 4] });
    expect(parseFirmwareApp('sriov-2.1.14')).toEqual({ name: 'sriov', version: [2, 1, 14] });
    expect(parseFirmwareApp('0.0.3.5 0.22')).toBeNull();
    expect(parseFirmwareApp('')).toBeNull();
  });
});

describe('isSriovFirmware', () => {
  it('wants sriov 2.1 or later', () => {
    expect(isSriovFirmware(parseFirmwareApp('sriov-2.1'))).toBe(true);
    expect(isSriovFirmware(parseFirmwareApp('sriov-2.10.1'))).toBe(true);
    expect(isSriovFirmware(parseFirmwareApp('sriov-2.0.99'))).toBe(false);
    expect(isSriovFirmware(parseFirmwareApp('nic-2.1.14'))).toBe(false);
    expect(isSriovFirmware(null)).toBe(false);
    expect(compareVersions([2, 1], [2, 1, 0])).toBe(0);
  });
});
