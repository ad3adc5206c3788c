// ConfigRequest / ConfigResponse and CoreSchedRequest / CoreSchedResponse.
// vfkeeper does not use these endpoints yet; they are here so the schema is
// whole and so `doctor` or the metrics exporter can read the CPU map later.
import { optNumber, optString, readEnum, readMessages, readNumber, readNumbers } from './fields.js';
import type { ConfigRequest, ConfigResponse, CoreSchedRequest, CoreSchedResponse, RelayCpuEntry } from './messages.js';
import { decodeMessage, encodeMessage, type PlainMessage } from './schema.js';

function parseRelayCpuEntry(o: PlainMessage, where: string): RelayCpuEntry {
  return {
    relay_number: readNumber(o, 'relay_number', where),
    vf2virtio_cpu: readNumber(o, 'vf2virtio_cpu', where),
    virtio2vf_cpu: readNumber(o, 'virtio2vf_cpu', where),
  };
}

function parseRelayCpuMap(o: PlainMessage, where: string): RelayCpuEntry[] {
  return readMessages(o, 'relay_cpu_map', where).map((e, i) => parseRelayCpuEntry(e, `${where}.relay_cpu_map[${i}]`));
}

export function encodeConfigRequest(req: ConfigRequest = {}): Uint8Array {
  return encodeMessage('ConfigRequest', req);
}

export function decodeConfigRequest(bytes: Uint8Array): ConfigRequest {
  decodeMessage('ConfigRequest', bytes);
  return {};
}

export function encodeConfigResponse(res: ConfigResponse): Uint8Array {
  return encodeMessage('ConfigResponse', res);
}

export function decodeConfigResponse(bytes: Uint8Array): ConfigResponse {
  const where = 'ConfigResponse';
  const o = decodeMessage('ConfigResponse', bytes);
  return { status: readEnum(o, 'status', ['OK', 'EBADR'] as const, where), relay_cpu_map: parseRelayCpuMap(o, where) };
}

export function encodeCoreSchedRequest(req: CoreSchedRequest): Uint8Array {
  return encodeMessage('CoreSchedRequest', req);
}

export function decodeCoreSchedRequest(bytes: Uint8Array): CoreSchedRequest {
  const where = 'CoreSchedRequest';
  const o = decodeMessage('CoreSchedRequest', bytes);
  return { op: readEnum(o, 'op', ['UPDATE', 'GET_EAL_CORES'] as const, where), relay_cpu_map: parseRelayCpuMap(o, where) };
}

export function encodeCoreSchedResponse(res: CoreSchedResponse): Uint8Array {
  return encodeMessage('CoreSchedResponse', res);
}

export function decodeCoreSchedResponse(bytes: Uint8Array): CoreSchedResponse {
  const where = 'CoreSchedResponse';
  const o = decodeMessage('CoreSchedResponse', bytes);
  const res: CoreSchedResponse = {
    status: readEnum(o, 'status', ['ERROR', 'OK'] as const, where),
    eal_cores: readNumbers(o, 'eal_cores', where),
  };
  const errorCode = optNumber(o, 'error_code', where);
  if (errorCode !== undefined) res.error_code = errorCode;
  const source = optString(o, 'error_code_source', where);
  if (source !== undefined) res.error_code_source = source;
  return res;
}
