// The emulated forwarder's port control: the forwarder's validations, then
// one relay-table operation, answered as the forwarder answers (status
// ERROR with the failing function's name and return value).
import { formatPci } from '../../model/pci.js';
import { decodePortControlRequest, encodePortControlResponse } from '../proto/codec-port-control.js';
import type { PortControlRequest, PortControlResponse } from '../proto/messages.js';
import type { RelayTable } from './relay-table.js';

/** The vhost-user sockets a dynamic ADD_SOCK / REMOVE_SOCK creates and removes. */
export interface SocketRegistry {
  /** Listens on `path` for relay `id`; false when it cannot (outside the socket directory, in use). */
  register(path: string, id: number): Promise<boolean>;
  deregister(path: string): Promise<void>;
}

/** The forwarder's field checks; a request failing them gets a bare status ERROR. */
export function isValidPortControlRequest(req: PortControlRequest): boolean {
  const n = req.pci_addrs.length;
  if (req.name !== undefined && n < 2) return false;
  if (req.name === undefined && n > 1) return false;
  if (req.virtio_id !== undefined && req.virtio_id > 0x7f) return false;
  switch (req.op) {
    case 'ADD':
    case 'REMOVE':
      return n > 0 && req.virtio_id !== undefined;
    case 'ADD_SOCK':
    case 'REMOVE_SOCK':
      return n > 0 && req.vhost_path !== undefined;
    case 'QUERY_PCI':
      return req.vhost_path !== undefined;
  }
}

function answer(source: string, code: number, queryString?: string): PortControlResponse {
  if (code !== 0) return { status: 'ERROR', error_code: code, error_code_source: source };
  return queryString === undefined ? { status: 'OK' } : { status: 'OK', query_string: queryString };
}

function deviceName(req: PortControlRequest): string {
  const first = req.pci_addrs[0];
  if (req.pci_addrs.length === 1 && first !== undefined) return formatPci(first);
  return req.name ?? '';
}

async function addSock(req: PortControlRequest, path: string, table: RelayTable, sockets: SocketRegistry): Promise<number> {
  const dev = deviceName(req);
  if (table.isDeviceInUse(dev)) return -17; // -EEXIST
  if (table.relayOfSocket(path) !== undefined) return 1;
  const id = table.freeRelay();
  if (id === undefined) return 2;
  const members = req.pci_addrs.map((p) => formatPci(p));
  if (members.length === 1 && table.addVf(id, dev, req.conditional ?? true) !== 0) return 3;
  if (members.length > 1 && table.addBond(id, dev, members) !== 0) return 4;
  if (!(await sockets.register(path, id))) {
    table.removeDevice(id, dev, true);
    return 5;
  }
  table.setSocket(id, path);
  return 0;
}

async function removeSock(req: PortControlRequest, path: string, table: RelayTable, sockets: SocketRegistry): Promise<number> {
  const id = table.relayOfSocket(path);
  if (id === undefined) return 1;
  const dev = deviceName(req);
  if (table.deviceOf(id) !== dev) return 2;
  table.setVmConnected(id, false);
  await sockets.deregister(path);
  table.setSocket(id, null);
  return table.removeDevice(id, dev, req.conditional ?? true) === 0 ? 0 : 4;
}

function queryPci(path: string, table: RelayTable): PortControlResponse {
  const id = table.relayOfSocket(path);
  const dev = id === undefined ? null : table.deviceOf(id);
  if (id === undefined) return answer('virtio_query_pci()', 1);
  return dev === null ? answer('virtio_query_pci()', 2) : answer('virtio_query_pci()', 0, dev);
}

/** Applies a valid request to the table. */
export async function applyPortControlRequest(
  req: PortControlRequest,
  table: RelayTable,
  sockets: SocketRegistry,
): Promise<PortControlResponse> {
  const conditional = req.conditional ?? true;
  const id = req.virtio_id ?? 0;
  const path = req.vhost_path ?? '';
  switch (req.op) {
    case 'ADD':
      if (req.pci_addrs.length > 1) {
        return answer(
          'virtio_forwarder_bond_add()',
          table.addBond(
            id,
            deviceName(req),
            req.pci_addrs.map((p) => formatPci(p)),
          ),
        );
      }
      return answer('virtio_forwarder_add_vf2()', table.addVf(id, deviceName(req), conditional));
    case 'REMOVE':
      return answer('virtio_forwarder_remove_vf2()', table.removeDevice(id, deviceName(req), conditional));
    case 'ADD_SOCK':
      return answer('virtio_add_sock_dev_pair()', await addSock(req, path, table, sockets));
    case 'REMOVE_SOCK':
      return answer('virtio_remove_sock_dev_pair()', await removeSock(req, path, table, sockets));
    case 'QUERY_PCI':
      return queryPci(path, table);
  }
}

/** Bytes in, bytes out; an undecodable or invalid request is a bare status ERROR. */
export async function respondToPortControl(bytes: Uint8Array, table: RelayTable, sockets: SocketRegistry): Promise<Uint8Array> {
  let req: PortControlRequest;
  try {
    req = decodePortControlRequest(bytes);
  } catch {
    return encodePortControlResponse({ status: 'ERROR' });
  }
  if (!isValidPortControlRequest(req)) return encodePortControlResponse({ status: 'ERROR' });
  return encodePortControlResponse(await applyPortControlRequest(req, table, sockets));
}
