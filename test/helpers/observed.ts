// Builders for planner inputs: plain data, no host, no mocks.
import { defaultConfig, defaultPfRule, type Config, type PfRule } from '../../src/model/config.js';
import type { Observed, ObservedPf, ObservedRelay, ObservedVf } from '../../src/model/observed.js';
import { vfAddress, type PciAddress } from '../../src/model/pci.js';
import type { RunReport } from '../../src/reconcile/run.js';

export const PF = '0000:02:00.0' as PciAddress;

export function vf(index: number, over: Partial<ObservedVf> = {}): ObservedVf {
  return {
    index,
    pci: vfAddress(PF, 64, 1, index),
    driver: 'vfio-pci',
    driverOverride: 'vfio-pci',
    iommuGroup: String(20 + index),
    mac: null,
    settings: null,
    vfioHolders: [],
    ...over,
  };
}

export function pf(over: Partial<ObservedPf> = {}): ObservedPf {
  return {
    pci: PF,
    vendor: 0x19ee,
    device: 0x4000,
    driver: 'nfp',
    netdev: 'enp2s0np0',
    netdevSettled: true,
    link: { up: true, mtu: 1500 },
    firmware: 'sriov-2.1.14',
    permMac: '00:15:4d:13:0c:9e',
    totalVfs: 4,
    numVfs: 0,
    autoprobe: false,
    vfOffset: 64,
    vfStride: 1,
    numaNode: 0,
    strayVfs: [],
    vfs: [],
    workloadError: null,
    ...over,
  };
}

export function relay(virtioId: number, vfPci: PciAddress | null, over: Partial<ObservedRelay> = {}): ObservedRelay {
  return {
    virtioId,
    vf: vfPci,
    vfState: vfPci ? 'DPDK_ADDED' : 'DPDK_UNINIT',
    vmState: 'VIRTIO_UNINIT',
    vmConnected: false,
    socket: `/tmp/virtio-forwarder/virtio-forwarder${virtioId}.sock`,
    counters: {},
    ...over,
  };
}

export function observed(pfs: ObservedPf[], over: Partial<Observed> = {}): Observed {
  return {
    pfs,
    firmwareLinks: null,
    firmwareError: null,
    vfioLoaded: true,
    forwarder: { reachable: true, relays: [] },
    sockets: null,
    othersVfs: [],
    relayNumbers: new Map(),
    relayNumbersError: null,
    staticVfs: null,
    ruleMatches: [],
    ...over,
  };
}

/** A config managing PF by PCI address with the rule's fields overridden; vf_macs keep unless said. */
export function config(rule: Partial<PfRule> = {}, over: Partial<Config> = {}): Config {
  const c = defaultConfig();
  c.pfs = [{ ...defaultPfRule({ pci: PF }), vfMacs: 'keep', ...rule }];
  return { ...c, ...over };
}

/** A run's report with what a test sets; the rest as a converged run that did nothing. */
export function runReport(over: Partial<RunReport> = {}): RunReport {
  return { run: 'r', event: 'udev', steps: [], refusals: [], unreadable: [], observed: null, converged: true, exitStatus: 0, ...over };
}
