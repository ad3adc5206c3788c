// The forwarder port: what the core needs from virtio-forwarder. The ZeroMQ
// + protobuf client implements it; tests may use the emulator behind it.
import type { ObservedRelay } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';

export interface Forwarder {
  /** Every relay the forwarder knows (stats, include_inactive). Throws ForwarderError. */
  readRelays(): Promise<ObservedRelay[]>;
  /** Conditional port control ADD: attaching an attached relay is not an error. */
  attach(virtioId: number, vf: PciAddress): Promise<void>;
  /** Conditional port control REMOVE. */
  detach(virtioId: number, vf: PciAddress): Promise<void>;
  close(): Promise<void>;
}
