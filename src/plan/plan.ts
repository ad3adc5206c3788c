// plan(config, observed): the smallest ordered list of idempotent steps
// that takes the host from what was observed to what is configured. Pure:
// no I/O, no clock, no randomness; an empty plan means converged.
// Order: per PF (PCI order) its steps 1-4, vfio-pci loaded before the first
// bind, the firmware guard's links, then relays (step 5), then socket
// ownership (step 6).
import type { Config } from '../model/config.js';
import { findRule } from '../model/match.js';
import { isRelayAttached, type Observed } from '../model/observed.js';
import type { PciAddress } from '../model/pci.js';
import type { Plan, Refusal, Step } from '../model/step.js';
import { planPf } from './plan-pf.js';
import { planRelays } from './plan-relays.js';
import { planSockets } from './plan-sockets.js';
import { planFirmwareGuard } from './plan-firmware-guard.js';
import { checkOverrideIndexes } from './plan-vf-settings.js';

export interface PlanOptions {
  force: boolean;
  /** VF settings a PF's driver refused (unsupportedKey), remembered by the caller: not planned again. */
  unsupported?: ReadonlySet<string>;
}

export function plan(config: Config, observed: Observed, options: PlanOptions): Plan {
  const steps: Step[] = [];
  const refusals: Refusal[] = [];
  const vfsAfter = new Map<PciAddress, { driver: string | null; pf: PciAddress }>();
  const relays = observed.forwarder.reachable ? observed.forwarder.relays : [];
  const pfs = [...observed.pfs].sort((a, b) => a.pci.localeCompare(b.pci));
  for (const pf of pfs) {
    const rule = findRule(config, pf);
    if (!rule) continue;
    const p = planPf({
      pf,
      rule,
      relays,
      force: options.force,
      handsOffRelays: config.forwarder.enabled && config.relays === 'observe',
      ...(options.unsupported ? { unsupported: options.unsupported } : {}),
    });
    steps.push(...p.steps);
    if (p.refusal) refusals.push(p.refusal);
    const badIndex = checkOverrideIndexes(pf, rule);
    if (badIndex) refusals.push(badIndex);
    for (const [pci, driver] of p.vfsAfter) vfsAfter.set(pci, { driver, pf: pf.pci });
  }
  insertModuleLoad(steps, observed.vfioLoaded);
  const firmware = planFirmwareGuard(observed.firmwareLinks, config.firmware, observed.firmwareError);
  steps.push(...firmware.steps);
  refusals.push(...firmware.refusals);
  if (config.forwarder.enabled) {
    if (config.relays === 'observe') {
      // Hands off: an orchestrator attaches and detaches relays; they are only reported.
    } else if (observed.forwarder.reachable) {
      const detached = new Set(steps.flatMap((s) => (s.kind === 'detach-relay' ? [s.virtioId] : [])));
      const after = relays.map((r) => (detached.has(r.virtioId) && isRelayAttached(r) ? { ...r, vf: null, vfState: 'DPDK_UNINIT' } : r));
      const r = planRelays({ config, pfs, vfsAfter, relays: after, othersVfs: new Set(observed.othersVfs), force: options.force });
      steps.push(...r.steps);
      refusals.push(...r.refusals);
    } else if ([...vfsAfter.values()].some((v) => v.driver === 'vfio-pci')) {
      refusals.push({
        kind: 'blocked',
        pf: null,
        code: 'ERR_FORWARDER_UNREACHABLE',
        why: `Relays are unknown: ${observed.forwarder.reason}`,
        hint: 'systemctl status virtio-forwarder; IPC port control needs VIRTIOFWD_IPC_PORT_CONTROL set in /etc/default/virtioforwarder',
      });
    }
    const s = planSockets(observed.sockets, config.forwarder.socketOwner);
    steps.push(...s.steps);
    refusals.push(...s.refusals);
  }
  return { steps, refusals };
}

function insertModuleLoad(steps: Step[], loaded: boolean): void {
  const first = steps.findIndex((s) => s.kind === 'bind-driver' && s.to === 'vfio-pci');
  if (loaded || first < 0) return;
  steps.splice(first, 0, { kind: 'load-module', module: 'vfio-pci', why: 'vfio-pci is not loaded' });
}
