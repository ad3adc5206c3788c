// A reconciler in this process against a simulated kernel (with faults
// armed through its state, src/host/sim/faults.ts) and the emulated
// forwarder on real ZeroMQ sockets: what the fault-injection suite drives.
// Short deadlines (sysfs writes, forwarder requests) keep hung parts quick.
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/load-config.js';
import { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';
import type { Forwarder } from '../../src/dataplane/types.js';
import { createZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import { withWriteDeadline } from '../../src/host/deadline-sysfs.js';
import { createSimHost, type SimHost } from '../../src/host/sim/sim-host.js';
import { createSimState, type SimFault, type SimState } from '../../src/host/sim/state.js';
import type { Host } from '../../src/host/types.js';
import type { Config } from '../../src/model/config.js';
import type { PciAddress } from '../../src/model/pci.js';
import { reconcile, type RunReport } from '../../src/reconcile/run.js';
import { formatEmulatorConfig } from './emulator-config.js';
import { MemoryLogger } from './events/memory-logger.js';
import { tempDir } from './temp.js';

export const WRITE_DEADLINE_MS = 300;
export const FORWARDER_TIMEOUT_MS = 300;

export interface RigOptions {
  pfs?: number;
  vfs?: number;
  /** More configuration (YAML) after the forwarder's section. */
  extraConfig?: string;
}

export class FaultRig {
  readonly t = tempDir('vfkf-');
  readonly fw = new ForwarderEmulator({ dir: this.t.path('fw') });
  readonly logger = new MemoryLogger();
  state: SimState = createSimState({ pfs: 2, totalVfs: 4, numVfs: 0, firmware: 'sriov-2.1.14' });
  sim: SimHost = createSimHost(this.state);
  host: Host = this.sim;
  forwarder: Forwarder | null = null;
  config: Config | null = null;
  readonly configPath = this.t.path('c.yaml');

  async setUp(o: RigOptions = {}): Promise<void> {
    this.state = createSimState({ pfs: o.pfs ?? 2, totalVfs: o.vfs ?? 4, numVfs: 0, firmware: 'sriov-2.1.14' });
    this.sim = createSimHost(this.state);
    this.host = { ...this.sim, sysfs: withWriteDeadline(this.sim.sysfs, WRITE_DEADLINE_MS) };
    await this.fw.start();
    await this.writeConfig(o.extraConfig ?? '');
    this.forwarder = createZmqForwarder(this.requireConfig().forwarder, { retries: 0 });
  }

  async writeConfig(extra: string): Promise<void> {
    const base = formatEmulatorConfig(this.fw).replace('forwarder:\n', `forwarder:\n  timeout_ms: ${FORWARDER_TIMEOUT_MS}\n`);
    writeFileSync(
      this.configPath,
      `${base}firmware: { dir: ${this.t.path('firmware')}, guard: off }\ndaemon: { write_timeout_ms: ${WRITE_DEADLINE_MS} }\n${extra}`,
    );
    this.config = await loadConfig(this.configPath);
  }

  requireConfig(): Config {
    if (this.config === null) throw new Error('setUp() first');
    return this.config;
  }

  arm(fault: SimFault): void {
    (this.state.faults ??= []).push(fault);
  }

  disarm(): void {
    this.state.faults = [];
  }

  run(only?: PciAddress[]): Promise<RunReport> {
    const ctx = { host: this.host, forwarder: this.forwarder, config: this.requireConfig(), logger: this.logger };
    return reconcile(ctx, { event: 'timer', ...(only ? { only } : {}) });
  }

  /** Runs until one converges (at most `max` runs); every report, in order. */
  async runUntilConverged(max = 4): Promise<RunReport[]> {
    const reports: RunReport[] = [];
    for (let i = 0; i < max; i++) {
      const r = await this.run();
      reports.push(r);
      if (r.converged) break;
    }
    return reports;
  }

  /** PF index -> its VFs as the kernel has them. */
  vfsOf(pf: number): SimState['pfs'][number]['vfs'] {
    return this.state.pfs[pf]?.vfs ?? [];
  }

  /** Every VF of the host on vfio-pci with its relay attached in the forwarder. */
  converged(): boolean {
    const vfs = this.state.pfs.flatMap((p) => p.vfs);
    const attached = new Set(this.fw.readRelayStates().flatMap((r) => (r.vf?.pci_addr_str ? [r.vf.pci_addr_str] : [])));
    return vfs.length > 0 && vfs.every((v) => v.driver === 'vfio-pci' && attached.has(v.pci));
  }

  /** A VM opens VF `index` of PF `pf` (its vfio group): from then on it is in use. */
  openVfio(pf: number, index: number): string {
    const vf = this.vfsOf(pf)[index];
    if (!vf || vf.iommuGroup === null) throw new Error(`no VF ${index} on PF ${pf}`);
    this.state.openVfioGroups[vf.iommuGroup] = ['qemu-system-x86[4242]'];
    return vf.pci;
  }

  /** Journal entries at priority err or worse, as text. */
  errors(): string[] {
    return this.logger.entries.filter((e) => e.priority <= 3).map((e) => `${e.message} ${JSON.stringify(e.fields ?? {})}`);
  }

  /**
   * The warm start of every scenario: all converged, then a VM opens VF 1 of
   * PF 0 and PF 1 is hot-removed and re-added (numvfs 0). Returns the VF in use.
   */
  async warmUp(): Promise<string> {
    const first = await this.runUntilConverged();
    if (first.at(-1)?.converged !== true) throw new Error(`the warm-up did not converge: ${this.errors().join('; ')}`);
    this.inUse = this.openVfio(0, 1);
    await this.sim.simulation?.apply('remove', '0000:03:00.0');
    await this.sim.simulation?.apply('rescan', undefined);
    this.mark = this.state.seq;
    return this.inUse;
  }

  inUse = '';
  /** The kernel's sequence number when the scenario began. */
  mark = 0;

  /** What the suites' invariant reads: the VF in use, its driver and relay, and the writes to PF 0 since the mark. */
  inUseNow(): { driver: string | null | undefined; relayed: boolean; pf0Writes: string[] } {
    const vf = this.vfsOf(0).find((v) => v.pci === this.inUse);
    return {
      driver: vf?.driver,
      relayed: this.fw.readRelayStates().some((r) => r.vf?.pci_addr_str === this.inUse),
      pf0Writes: this.state.writes
        .filter((w) => w.seq > this.mark && w.path.startsWith('bus/pci/devices/0000:02:00.0/'))
        .map((w) => w.path),
    };
  }

  async tearDown(): Promise<void> {
    await this.forwarder?.close();
    await this.fw.stop();
    this.t.remove();
  }
}
