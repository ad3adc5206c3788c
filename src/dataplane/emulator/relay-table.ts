// The emulated forwarder's relays and their state machine, after the
// forwarder's own: a relay's VF side is DPDK_UNINIT (no VF), DPDK_ADDED (VF
// added, kept stopped while no VM is connected) or DPDK_READY (VF and VM);
// its VM side is VIRTIO_UNINIT or VIRTIO_READY (a VM on the socket).
// Operations return the forwarder's function return values: 0 = done.
//
// Invariants:
// - relays are numbered 0..maxRelays-1 and each has one entry for life;
// - dpdk === 'DPDK_UNINIT' exactly when dev is null;
// - dpdk === 'DPDK_READY' exactly when a device is added and virtio is VIRTIO_READY;
// - a PCI address is held by at most one relay (as its VF or a bond member);
// - traffic is brought up to date before any state change, so counters
//   only count time spent in the state that produced them.
import type { RelayState } from '../proto/messages.js';
import { advanceTraffic, formatVfToVm, formatVmToVf, newTraffic, type Flow, type Traffic } from './traffic.js';

export type DpdkState = 'DPDK_UNINIT' | 'DPDK_ADDED' | 'DPDK_READY';
export type VirtioState = 'VIRTIO_UNINIT' | 'VIRTIO_READY';

interface Relay {
  id: number;
  /** Canonical PCI address of the VF, or the bond's name. */
  dev: string | null;
  /** PCI addresses the relay holds (the VF, or the bond's members). */
  members: string[];
  dpdk: DpdkState;
  virtio: VirtioState;
  socket: string | null;
  traffic: Traffic;
  tickedAt: number;
}

export interface RelayTableOptions {
  maxRelays: number;
  /** Packets per second while a relay forwards. */
  pps: number;
  now: () => number;
  /** Whether DPDK could take this VF (e.g. it is bound to vfio-pci). */
  canAttach: (pci: string) => boolean;
}

export class RelayTable {
  readonly maxRelays: number;
  readonly #relays: Relay[];
  readonly #opts: RelayTableOptions;

  constructor(opts: RelayTableOptions) {
    this.#opts = opts;
    this.maxRelays = opts.maxRelays;
    this.#relays = Array.from({ length: opts.maxRelays }, (_, id) => ({
      id,
      dev: null,
      members: [],
      dpdk: 'DPDK_UNINIT',
      virtio: 'VIRTIO_UNINIT',
      socket: null,
      traffic: newTraffic(),
      tickedAt: opts.now(),
    }));
  }

  /** virtio_forwarder_add_vf2: 1 bad relay, 2 DPDK cannot take the VF, 8 relay busy. */
  addVf(id: number, pci: string, conditional: boolean): number {
    const r = this.#relays[id];
    if (r === undefined) return 1;
    if (r.dev !== null) return conditional && r.dev === pci && r.members.length === 1 ? 0 : 8;
    if (this.#isHeld(pci) || !this.#opts.canAttach(pci)) return 2;
    this.#setDevice(r, pci, [pci]);
    return 0;
  }

  /** virtio_forwarder_bond_add: 1 bad relay, 8 relay busy, 3 a member in use, 5 DPDK cannot take one. */
  addBond(id: number, name: string, members: string[]): number {
    const r = this.#relays[id];
    if (r === undefined) return 1;
    if (r.dev !== null) return 8;
    if (members.some((m) => this.#isHeld(m))) return 3;
    if (!members.every((m) => this.#opts.canAttach(m))) return 5;
    this.#setDevice(r, name, members);
    return 0;
  }

  /** virtio_forwarder_remove_vf2: 1 bad relay, 3 another device, 4 nothing to remove (unconditional). */
  removeDevice(id: number, dev: string, conditional: boolean): number {
    const r = this.#relays[id];
    if (r === undefined) return 1;
    if (r.dev === null) return conditional ? 0 : 4;
    if (r.dev !== dev) return 3;
    this.#tick(r);
    r.dev = null;
    r.members = [];
    r.dpdk = 'DPDK_UNINIT';
    return 0;
  }

  setVmConnected(id: number, connected: boolean): void {
    const r = this.#relays[id];
    if (r === undefined) return;
    this.#tick(r);
    r.virtio = connected ? 'VIRTIO_READY' : 'VIRTIO_UNINIT';
    if (r.dev !== null) r.dpdk = connected ? 'DPDK_READY' : 'DPDK_ADDED';
  }

  setSocket(id: number, path: string | null): void {
    const r = this.#relays[id];
    if (r !== undefined) r.socket = path;
  }

  socketOf(id: number): string | null {
    return this.#relays[id]?.socket ?? null;
  }

  isVmConnected(id: number): boolean {
    return this.#relays[id]?.virtio === 'VIRTIO_READY';
  }

  relayOfSocket(path: string): number | undefined {
    return this.#relays.find((r) => r.socket === path)?.id;
  }

  /** The lowest relay with neither a socket nor a device, for a dynamic socket. */
  freeRelay(): number | undefined {
    return this.#relays.find((r) => r.socket === null && r.dev === null)?.id;
  }

  deviceOf(id: number): string | null {
    return this.#relays[id]?.dev ?? null;
  }

  isDeviceInUse(dev: string): boolean {
    return this.#relays.some((r) => r.dev === dev) || this.#isHeld(dev);
  }

  /** The relay as StatsResponse reports it (fields only present when their side is active). */
  readState(id: number): RelayState | undefined {
    const r = this.#relays[id];
    if (r === undefined) return undefined;
    this.#tick(r);
    const flow = this.#flow(r);
    const state: RelayState = {
      id: r.id,
      active: r.dpdk === 'DPDK_READY' && r.virtio === 'VIRTIO_READY',
      vhost: { vhost_socket_name: r.socket ?? '' },
      vf_to_vm: formatVfToVm(r.traffic, flow, r.dpdk, this.#opts.pps),
      vm_to_vf: formatVmToVf(r.traffic, flow, r.virtio, this.#opts.pps),
      socket_id: 0,
    };
    // The forwarder's default CPU mask is 1,2: VF->VM on CPU 1, VM->VF on CPU 2.
    if (flow.vf || flow.vm) state.cpu = { ...(flow.vf ? { vf_to_vm: 1 } : {}), ...(flow.vm ? { vm_to_vf: 2 } : {}) };
    if (flow.vf && r.dev !== null) state.vf = { pci_addr_str: r.dev };
    return state;
  }

  #setDevice(r: Relay, dev: string, members: string[]): void {
    this.#tick(r);
    r.dev = dev;
    r.members = members;
    r.dpdk = r.virtio === 'VIRTIO_READY' ? 'DPDK_READY' : 'DPDK_ADDED';
  }

  #isHeld(pci: string): boolean {
    return this.#relays.some((r) => r.members.includes(pci));
  }

  #flow(r: Relay): Flow {
    return { vf: r.dpdk !== 'DPDK_UNINIT', vm: r.virtio === 'VIRTIO_READY' };
  }

  #tick(r: Relay): void {
    const now = this.#opts.now();
    advanceTraffic(r.traffic, this.#flow(r), (now - r.tickedAt) / 1000, this.#opts.pps);
    r.tickedAt = now;
  }
}
