// The virtio-forwarder control client: port control and stats over ZeroMQ
// REQ sockets, typed requests in, typed replies or ForwarderErrors out.
//
// Invariants:
// - one RequestSocket per endpoint, so requests to one endpoint never overlap;
// - a request is repeated only when repeating cannot change the outcome:
//   always when it never reached the forwarder (UNREACHABLE), and after a
//   TIMEOUT only for idempotent requests (stats, QUERY_PCI, conditional ADD/REMOVE);
// - status ERROR is ERR_FORWARDER_REFUSED, an undecodable reply ERR_FORWARDER_MALFORMED.
import { VfkeeperError } from '../../model/errors.js';
import { pciParts, type PciAddress } from '../../model/pci.js';
import { ForwarderError, HINT_IPC_PORT_CONTROL, isForwarderError } from '../forwarder-error.js';
import { decodePortControlResponse, encodePortControlRequest } from '../proto/codec-port-control.js';
import { decodeStatsResponse, encodeStatsRequest } from '../proto/codec-stats.js';
import type { PortControlRequest, PortControlResponse, StatsRequest, StatsResponse } from '../proto/messages.js';
import { formatPortControlRequest, formatStatsRequest } from './describe.js';
import { readIpcPresence } from './endpoint.js';
import { formatRefusalHint } from './refusal-hint.js';
import { RequestSocket } from './request-socket.js';
import { withRetries, type RetryPolicy } from './retry.js';

export interface ForwarderClientOptions {
  portControl: string;
  stats: string;
  /** Per-request deadline (default 2000 ms, as the forwarder's own tools). */
  timeoutMs?: number;
  /** Further attempts after a retryable failure (default 1). */
  retries?: number;
  /** Back-off before the first retry, doubled after (default 100 ms). */
  backoffMs?: number;
}

export interface PortOptions {
  /** Default true (the protocol's default). */
  conditional?: boolean;
  /** Bond name, required with more than one VF. */
  name?: string;
  mode?: number;
}

export class ForwarderClient {
  readonly #portControl: RequestSocket;
  readonly #stats: RequestSocket;
  readonly #policy: RetryPolicy;

  constructor(options: ForwarderClientOptions) {
    const timeoutMs = options.timeoutMs ?? 2000;
    this.#portControl = new RequestSocket(options.portControl, timeoutMs);
    this.#stats = new RequestSocket(options.stats, timeoutMs);
    this.#policy = { retries: options.retries ?? 1, backoffMs: options.backoffMs ?? 100 };
  }

  /** Any port control request; resolves only on status OK. */
  async portControl(req: PortControlRequest): Promise<PortControlResponse> {
    const what = formatPortControlRequest(req);
    if (req.virtio_id !== undefined && !(Number.isInteger(req.virtio_id) && req.virtio_id >= 0 && req.virtio_id <= 0xffffffff)) {
      throw new VfkeeperError('ERR_FORWARDER_REQUEST', `${what}: ${req.virtio_id} is not a relay number`, {
        hint: 'relay numbers are whole numbers from 0 (the forwarder takes 0..59)',
      });
    }
    const body = encodePortControlRequest(req);
    const idempotent = req.op === 'QUERY_PCI' || ((req.op === 'ADD' || req.op === 'REMOVE') && req.conditional !== false);
    const reply = await this.#exchange(this.#portControl, body, what, idempotent).catch((e: unknown) => this.#explainUnreachable(e));
    const res = this.#decode(() => decodePortControlResponse(reply), this.#portControl.endpoint, what);
    if (res.status === 'OK') return res;
    const detail = res.error_code === undefined ? 'status ERROR' : `${res.error_code_source ?? 'status ERROR'} returned ${res.error_code}`;
    throw new ForwarderError('ERR_FORWARDER_REFUSED', `virtio-forwarder refused ${what} on ${this.#portControl.endpoint}: ${detail}`, {
      endpoint: this.#portControl.endpoint,
      request: what,
      ...(res.error_code === undefined ? {} : { errorCode: res.error_code }),
      ...(res.error_code_source === undefined ? {} : { errorCodeSource: res.error_code_source }),
      ...(req.virtio_id === undefined ? {} : { virtioId: req.virtio_id }),
      hint: formatRefusalHint(req.op, res.error_code, res.error_code_source),
    });
  }

  add(virtioId: number, vfs: PciAddress[], opts: PortOptions = {}): Promise<PortControlResponse> {
    return this.portControl({ op: 'ADD', virtio_id: virtioId, ...portFields(vfs, opts) });
  }

  remove(virtioId: number, vfs: PciAddress[], opts: PortOptions = {}): Promise<PortControlResponse> {
    return this.portControl({ op: 'REMOVE', virtio_id: virtioId, ...portFields(vfs, opts) });
  }

  addSock(vhostPath: string, vfs: PciAddress[], opts: PortOptions = {}): Promise<PortControlResponse> {
    return this.portControl({ op: 'ADD_SOCK', vhost_path: vhostPath, ...portFields(vfs, opts) });
  }

  removeSock(vhostPath: string, vfs: PciAddress[], opts: PortOptions = {}): Promise<PortControlResponse> {
    return this.portControl({ op: 'REMOVE_SOCK', vhost_path: vhostPath, ...portFields(vfs, opts) });
  }

  /** The device (PCI address or bond name) behind a vhost-user socket. */
  async queryPci(vhostPath: string): Promise<string> {
    const res = await this.portControl({ op: 'QUERY_PCI', vhost_path: vhostPath, pci_addrs: [] });
    return res.query_string ?? '';
  }

  /** Stats of the given relays (default: all, inactive included); status other than OK is REFUSED. */
  async stats(req: Partial<StatsRequest> = {}): Promise<StatsResponse> {
    const full: StatsRequest = { relay: req.relay ?? [], ...withoutRelay(req) };
    const what = formatStatsRequest(full);
    const reply = await this.#exchange(this.#stats, encodeStatsRequest(full), what, true);
    const res = this.#decode(() => decodeStatsResponse(reply), this.#stats.endpoint, what);
    if (res.status === 'OK') return res;
    throw new ForwarderError('ERR_FORWARDER_REFUSED', `virtio-forwarder refused ${what} on ${this.#stats.endpoint}: status ${res.status}`, {
      endpoint: this.#stats.endpoint,
      request: what,
      hint: 'EBADR: the request did not decode; E2BIG: more than 60 relays asked; ENOMEM: the forwarder is out of memory (journalctl -u virtio-forwarder)',
    });
  }

  close(): void {
    this.#portControl.close();
    this.#stats.close();
  }

  #exchange(socket: RequestSocket, body: Uint8Array, what: string, idempotent: boolean): Promise<Uint8Array> {
    const retryable = (e: unknown) =>
      isForwarderError(e, 'ERR_FORWARDER_UNREACHABLE') || (idempotent && isForwarderError(e, 'ERR_FORWARDER_TIMEOUT'));
    return withRetries(() => socket.request(body, what), this.#policy, retryable);
  }

  #decode<T>(decode: () => T, endpoint: string, what: string): T {
    try {
      return decode();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      throw new ForwarderError('ERR_FORWARDER_MALFORMED', `virtio-forwarder's reply to ${what} on ${endpoint} is malformed: ${why}`, {
        endpoint,
        request: what,
        cause: e,
        hint: 'something else answers on this endpoint, or the forwarder speaks another protocol version: check forwarder.port_control / forwarder.stats and the virtio-forwarder package version',
      });
    }
  }

  /** Stats answering while port control is absent means IPC port control is off, not the service down. */
  async #explainUnreachable(e: unknown): Promise<never> {
    if (!isForwarderError(e, 'ERR_FORWARDER_UNREACHABLE') || e.context.errno !== 'ENOENT') throw e;
    if (!(await readIpcPresence(this.#stats.endpoint)).present) throw e;
    throw new ForwarderError(e.code, `${e.message} (the stats endpoint ${this.#stats.endpoint} exists)`, {
      ...e.context,
      hint: HINT_IPC_PORT_CONTROL,
      cause: e,
    });
  }
}

function portFields(vfs: PciAddress[], opts: PortOptions): Pick<PortControlRequest, 'pci_addrs' | 'conditional' | 'name' | 'mode'> {
  const fields: Pick<PortControlRequest, 'pci_addrs' | 'conditional' | 'name' | 'mode'> = {
    pci_addrs: vfs.map((vf) => pciParts(vf)),
    conditional: opts.conditional ?? true,
  };
  if (opts.name !== undefined) fields.name = opts.name;
  if (opts.mode !== undefined) fields.mode = opts.mode;
  return fields;
}

function withoutRelay(req: Partial<StatsRequest>): Omit<StatsRequest, 'relay'> {
  const out: Omit<StatsRequest, 'relay'> = {};
  if (req.include_inactive !== undefined) out.include_inactive = req.include_inactive;
  if (req.delay !== undefined) out.delay = req.delay;
  return out;
}
