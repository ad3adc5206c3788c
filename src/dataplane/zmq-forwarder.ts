// The Forwarder port over the real protocol: what the core uses.
import type { ForwarderConfig } from '../model/config.js';
import type { ObservedRelay } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import { ForwarderClient, type ForwarderClientOptions } from './client/forwarder-client.js';
import { parseObservedRelay } from './client/relay-observed.js';
import type { Forwarder } from './types.js';

export type ZmqForwarderEndpoints = Pick<ForwarderConfig, 'portControl' | 'stats' | 'timeoutMs'>;
export type ZmqForwarderTuning = Pick<ForwarderClientOptions, 'retries' | 'backoffMs'>;

export class ZmqForwarder implements Forwarder {
  readonly client: ForwarderClient;

  constructor(endpoints: ZmqForwarderEndpoints, tuning: ZmqForwarderTuning = {}) {
    this.client = new ForwarderClient({ ...endpoints, ...tuning });
  }

  async readRelays(): Promise<ObservedRelay[]> {
    const res = await this.client.stats({ relay: [], include_inactive: true });
    return res.relay.map(parseObservedRelay);
  }

  async attach(virtioId: number, vf: PciAddress): Promise<void> {
    await this.client.add(virtioId, [vf], { conditional: true });
  }

  async detach(virtioId: number, vf: PciAddress): Promise<void> {
    await this.client.remove(virtioId, [vf], { conditional: true });
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** The composition root's one call: a Forwarder from the configuration's endpoints. */
export function createZmqForwarder(config: ZmqForwarderEndpoints, tuning: ZmqForwarderTuning = {}): Forwarder {
  return new ZmqForwarder(config, tuning);
}
