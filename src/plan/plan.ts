// plan(config, observed): the smallest ordered list of idempotent steps
// that takes the host from what was observed to what is configured. Pure:
// no I/O, no clock, no randomness; an empty plan means converged.
// Order: per PF (PCI order) its steps 1-4, vfio-pci loaded before the first
// bind, the firmware guard's links, then relays (step 5), then socket
// ownership (step 6). With `relays: auto`, the relay number record comes
// back with the plan when numbers were given out (the run writes it first).
import type { Config } from '../model/config.js';
import { findRule } from '../model/match.js';
import { isRelayAttached, type Observed } from '../model/observed.js';
import { comparePci, type PciAddress } from '../model/pci.js';
import type { Plan, Refusal, Step } from '../model/step.js';
import { planPf } from './plan-pf.js';
import { planRelays } from './plan-relays.js';
import { planSockets } from './plan-sockets.js';
import { planFirmwareGuard } from './plan-firmware-guard.js';
import { checkOverrideIndexes } from './plan-vf-settings.js';
import { isSameRecord, relayNumbersFor } from './relay-numbers.js';
import { planUnmatchedRules } from './plan-rules.js';
import { MAX_VIRTIO_ID, MIN_VIRTIO_ID } from '../model/relay-number.js';

export interface PlanOptions {
  force: boolean;
  /** VF settings a PF's driver refused (unsupportedKey), remembered by the caller: not planned again. */
  unsupported?: ReadonlySet<string>;
}

export function plan(config: Config, observed: Observed, options: PlanOptions): Plan {
  const steps: Step[] = [];
  const refusals: Refusal[] = [];
  const vfsAfter = new Map<PciAddress, { driver: string | null; pf: PciAddress }>();
  let relayNumbers: Plan['relayNumbers'];
  // With no forwarder managed, there are no relays; with one that did not
  // answer, they are unknown (null), never none: the workload guard holds.
  const relays = observed.forwarder.reachable ? observed.forwarder.relays : config.forwarder.enabled ? null : [];
  const pfs = [...observed.pfs].sort((a, b) => comparePci(a.pci, b.pci));
  for (const pf of pfs) {
    const rule = findRule(config, pf);
    if (!rule) continue;
    const p = planPf({
      pf,
      rule,
      relays,
      force: options.force,
      handsOffRelays: config.forwarder.enabled && config.relays === 'observe',
      staticVfs: observed.staticVfs,
      ...(options.unsupported ? { unsupported: options.unsupported } : {}),
    });
    steps.push(...p.steps);
    if (p.refusal) refusals.push(p.refusal);
    const badIndex = checkOverrideIndexes(pf, rule);
    if (badIndex) refusals.push(badIndex);
    for (const [pci, driver] of p.vfsAfter) vfsAfter.set(pci, { driver, pf: pf.pci });
  }
  refusals.push(...planUnmatchedRules(config, observed.ruleMatches));
  insertModuleLoad(steps, observed.vfioLoaded);
  const firmware = planFirmwareGuard(observed.firmwareLinks, config.firmware, observed.firmwareError);
  steps.push(...firmware.steps);
  refusals.push(...firmware.refusals);
  if (config.forwarder.enabled) {
    if (config.relays === 'observe') {
      // Hands off: an orchestrator attaches and detaches relays; they are only reported.
    } else if (observed.staticVfs?.error != null) {
      // Fail closed: with the forwarder's own list unknown, any relay change could be one of its.
      refusals.push({
        kind: 'blocked',
        pf: null,
        code: 'ERR_STATIC_VFS',
        why: `Relays are left as they are: the forwarder's static VFs are unknown (${observed.staticVfs.error})`,
        hint: `fix VIRTIOFWD_STATIC_VFS in ${observed.staticVfs.file}, e.g. VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2), or make the file readable`,
      });
    } else if (observed.forwarder.reachable) {
      const detached = new Set(steps.flatMap((s) => (s.kind === 'detach-relay' ? [s.virtioId] : [])));
      const after = observed.forwarder.relays.map((r) =>
        detached.has(r.virtioId) && isRelayAttached(r) ? { ...r, vf: null, vfState: 'DPDK_UNINIT' } : r,
      );
      const numbers = planRelayNumbers(config, observed, vfsAfter);
      refusals.push(...numbers.refusals);
      if (numbers.relayNumbers !== undefined) relayNumbers = numbers.relayNumbers;
      const statics = observed.staticVfs === null ? {} : { statics: observed.staticVfs.entries, staticFile: observed.staticVfs.file };
      const input = { config, pfs, vfsAfter, relays: after, othersVfs: new Set(observed.othersVfs), force: options.force, ...statics };
      const r = numbers.blocked ? { steps: [], refusals: [] } : planRelays({ ...input, numbers: numbers.numbers });
      steps.push(...r.steps);
      refusals.push(...r.refusals);
    } else if ([...vfsAfter.values()].some((v) => v.driver === 'vfio-pci')) {
      refusals.push(relaysUnknown(observed.forwarder));
    }
    const s = planSockets(observed.sockets, config.forwarder.socketOwner);
    steps.push(...s.steps);
    refusals.push(...s.refusals);
  }
  return relayNumbers === undefined ? { steps, refusals } : { steps, refusals, relayNumbers };
}

/**
 * relays: auto: each VF's number from the record (relay-numbers.ts), and the
 * record to write back when numbers were given out. A record that could not
 * be read blocks relay work: handing numbers out again could move relays.
 */
function planRelayNumbers(
  config: Config,
  observed: Observed,
  vfsAfter: ReadonlyMap<PciAddress, unknown>,
): { numbers: ReadonlyMap<PciAddress, number>; relayNumbers?: Map<PciAddress, number>; refusals: Refusal[]; blocked: boolean } {
  if (config.relays !== 'auto') return { numbers: new Map(), refusals: [], blocked: false };
  if (observed.relayNumbersError !== null) {
    const why = `Relays are left as they are: the relay numbers given out cannot be read (${observed.relayNumbersError})`;
    return {
      numbers: new Map(),
      blocked: true,
      refusals: [
        { kind: 'blocked', pf: null, code: 'ERR_RELAY_NUMBERS', why, hint: 'fix or move aside the file named, then vfkeeper reconcile' },
      ],
    };
  }
  const { record, without } = relayNumbersFor(observed, [...vfsAfter.keys()]);
  const refusals: Refusal[] =
    without.length === 0
      ? []
      : [
          {
            kind: 'warning',
            pf: null,
            code: 'ERR_NO_RELAY_NUMBER',
            why: `${without.length} VF(s) get no relay (${without.slice(0, 3).join(', ')}${without.length > 3 ? ', ...' : ''}): the forwarder's relay numbers ${MIN_VIRTIO_ID}..${MAX_VIRTIO_ID} are all held by VFs that exist`,
            hint: 'lower vfs: in the PF rules, or list the relays you need under relays:',
          },
        ];
  const changed = !isSameRecord(record, observed.relayNumbers);
  return { numbers: record, refusals, blocked: false, ...(changed ? { relayNumbers: record } : {}) };
}

/**
 * Relay work not done: the forwarder has not answered yet (waiting), is not
 * started yet (waiting: the forwarder's unit and socket watches end it), or
 * answered wrongly or not at all (blocked).
 */
function relaysUnknown(forwarder: Extract<Observed['forwarder'], { reachable: false }>): Refusal {
  if (forwarder.pending === true) {
    return {
      kind: 'waiting',
      pf: null,
      code: 'ERR_FORWARDER_PENDING',
      why: `Relays are waiting on the forwarder: ${forwarder.reason}; the VF work was done without it`,
      hint: 'journalctl -u virtio-forwarder; the next run attaches the relays once it answers (forwarder.relay_deadline_ms bounds the wait)',
    };
  }
  const absent = forwarder.absent === true;
  return {
    kind: absent ? 'waiting' : 'blocked',
    pf: null,
    code: 'ERR_FORWARDER_UNREACHABLE',
    why: `${absent ? 'Relays wait for virtio-forwarder' : 'Relays are unknown'}: ${forwarder.reason}`,
    hint: 'systemctl status virtio-forwarder; IPC port control needs VIRTIOFWD_IPC_PORT_CONTROL set in /etc/default/virtioforwarder',
  };
}

function insertModuleLoad(steps: Step[], loaded: boolean): void {
  const first = steps.findIndex((s) => s.kind === 'bind-driver' && s.to === 'vfio-pci');
  if (loaded || first < 0) return;
  steps.splice(first, 0, { kind: 'load-module', module: 'vfio-pci', why: 'vfio-pci is not loaded' });
}
