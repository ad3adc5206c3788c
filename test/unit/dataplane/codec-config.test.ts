// Golden bytes for the configuration and core-scheduling messages, by hand
// from the field tables (RelayCPU: relay_number=1, vf2virtio_cpu=2, virtio2vf_cpu=3).
import { describe, expect, it } from 'vitest';
import { isForwarderError } from '../../../src/dataplane/forwarder-error.js';
import {
  decodeConfigRequest,
  decodeConfigResponse,
  decodeCoreSchedRequest,
  decodeCoreSchedResponse,
  encodeConfigRequest,
  encodeConfigResponse,
  encodeCoreSchedRequest,
  encodeCoreSchedResponse,
} from '../../../src/dataplane/proto/codec-config.js';
import { ascii, bytes, hex } from '../../helpers/golden-hex.js';

const RELAY_1 = { relay_number: 1, vf2virtio_cpu: 1, virtio2vf_cpu: 2 };
const RELAY_1_BODY = '08 01  10 01  18 02';

describe('ConfigRequest / ConfigResponse', () => {
  it('the request has no fields: zero bytes', () => {
    expect(encodeConfigRequest().length).toBe(0);
    expect(decodeConfigRequest(new Uint8Array())).toEqual({});
  });

  it('OK with one relay_cpu_map entry (field 5)', () => {
    const wire = bytes('08 00', '2a 06', RELAY_1_BODY);
    expect(hex(encodeConfigResponse({ status: 'OK', relay_cpu_map: [RELAY_1] }))).toBe(hex(wire));
    expect(decodeConfigResponse(wire)).toEqual({ status: 'OK', relay_cpu_map: [RELAY_1] });
  });

  it('EBADR is 400', () => {
    expect(decodeConfigResponse(bytes('08 90 03'))).toEqual({ status: 'EBADR', relay_cpu_map: [] });
  });
});

describe('CoreSchedRequest / CoreSchedResponse', () => {
  it('UPDATE with one relay', () => {
    const wire = bytes('08 00', '12 06', RELAY_1_BODY);
    expect(hex(encodeCoreSchedRequest({ op: 'UPDATE', relay_cpu_map: [RELAY_1] }))).toBe(hex(wire));
    expect(decodeCoreSchedRequest(wire)).toEqual({ op: 'UPDATE', relay_cpu_map: [RELAY_1] });
  });

  it('GET_EAL_CORES is op 1', () => {
    expect(hex(encodeCoreSchedRequest({ op: 'GET_EAL_CORES', relay_cpu_map: [] }))).toBe('0801');
  });

  it('OK with eal_cores 1 and 2 (field 7)', () => {
    const wire = bytes('20 01', '38 01', '38 02');
    expect(hex(encodeCoreSchedResponse({ status: 'OK', eal_cores: [1, 2] }))).toBe(hex(wire));
    expect(decodeCoreSchedResponse(wire)).toEqual({ status: 'OK', eal_cores: [1, 2] });
  });

  it('ERROR with error_code -1 and its source', () => {
    const wire = bytes('20 00', '28 ff ff ff ff ff ff ff ff ff 01', '32 12', ascii('migrate_relay_cpus'));
    expect(decodeCoreSchedResponse(wire)).toEqual({
      status: 'ERROR',
      error_code: -1,
      error_code_source: 'migrate_relay_cpus',
      eal_cores: [],
    });
  });

  it('a RelayCPU missing a required field is malformed', () => {
    let caught: unknown;
    try {
      decodeConfigResponse(bytes('08 00', '2a 04  08 01 10 01'));
    } catch (e) {
      caught = e;
    }
    expect(isForwarderError(caught, 'ERR_FORWARDER_MALFORMED')).toBe(true);
  });
});
