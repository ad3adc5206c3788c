// PortControlRequest / PortControlResponse: typed encode and decode.
import { optBool, optNumber, optString, readEnum, readMessages, readNumber } from './fields.js';
import {
  PORT_CONTROL_OPS,
  type PortControlRequest,
  type PortControlResponse,
  type PortControlStatus,
  type WirePciAddress,
} from './messages.js';
import { decodeMessage, encodeMessage, type PlainMessage } from './schema.js';

const STATUSES: readonly PortControlStatus[] = ['ERROR', 'OK'];

export function encodePortControlRequest(req: PortControlRequest): Uint8Array {
  return encodeMessage('PortControlRequest', req);
}

export function encodePortControlResponse(res: PortControlResponse): Uint8Array {
  return encodeMessage('PortControlResponse', res);
}

function parseWirePci(o: PlainMessage, where: string): WirePciAddress {
  return {
    domain: readNumber(o, 'domain', where),
    bus: readNumber(o, 'bus', where),
    slot: readNumber(o, 'slot', where),
    function: readNumber(o, 'function', where),
  };
}

/** Decodes a request as the forwarder would: `conditional` absent means true. */
export function decodePortControlRequest(bytes: Uint8Array): PortControlRequest {
  const where = 'PortControlRequest';
  const o = decodeMessage('PortControlRequest', bytes);
  const req: PortControlRequest = {
    op: readEnum(o, 'op', PORT_CONTROL_OPS, where),
    pci_addrs: readMessages(o, 'pci_addrs', where).map((p, i) => parseWirePci(p, `${where}.pci_addrs[${i}]`)),
    conditional: optBool(o, 'conditional', where) ?? true,
  };
  const virtioId = optNumber(o, 'virtio_id', where);
  if (virtioId !== undefined) req.virtio_id = virtioId;
  const name = optString(o, 'name', where);
  if (name !== undefined) req.name = name;
  const mode = optNumber(o, 'mode', where);
  if (mode !== undefined) req.mode = mode;
  const vhostPath = optString(o, 'vhost_path', where);
  if (vhostPath !== undefined) req.vhost_path = vhostPath;
  return req;
}

export function decodePortControlResponse(bytes: Uint8Array): PortControlResponse {
  const where = 'PortControlResponse';
  const o = decodeMessage('PortControlResponse', bytes);
  const res: PortControlResponse = { status: readEnum(o, 'status', STATUSES, where) };
  const errorCode = optNumber(o, 'error_code', where);
  if (errorCode !== undefined) res.error_code = errorCode;
  const source = optString(o, 'error_code_source', where);
  if (source !== undefined) res.error_code_source = source;
  const query = optString(o, 'query_string', where);
  if (query !== undefined) res.query_string = query;
  return res;
}
