// The plan for one PF (design.md, "What a run does for one PF", steps 1-4):
//   1. prerequisites: a PF driver and a netdev udev is done with (else the
//      PF is waiting), and on a Netronome NIC the SR-IOV firmware unless `any`;
//   2. link up, MTU as configured;
//   3. autoprobe off, then the VF count: from 0 write N; from another
//      non-zero count only when no VF is in use (else the workload guard
//      refuses, unless forced): detach its relays, write 0, write N;
//   4. each VF: its MAC (before the bind), then driver_override + bind.
// While the forwarder's relays are unknown (it has not answered, or failed
// to), nothing a relay may hold is removed or rebound: a count change on a
// PF with VFs and the rebind of a VF on a userspace driver wait (guard);
// creating VFs on a PF with none and binding new VFs go on. The guards
// themselves are in plan-pf-guards.ts.
// Pure: observed + rule in, steps out. VFs that step 3 will create are
// predicted from offset/stride so a dry run shows the whole plan.
import type { PfRule } from '../model/config.js';
import { hasFirmwareFlavours, isSriovFirmware, parseFirmwareApp } from '../model/firmware.js';
import { deriveVfMac } from '../model/mac.js';
import { isRelayAttached, type ObservedPf, type ObservedRelay } from '../model/observed.js';
import { vfAddress, type PciAddress } from '../model/pci.js';
import type { ErrorCode } from '../model/error-codes.js';
import type { Refusal, Step } from '../model/step.js';
import { planVfSettings, rateWaitRefusal } from './plan-vf-settings.js';
import type { ObservedStaticVfs } from '../model/static-vfs.js';
import { checkCountChange, checkStaticVfs, checkStrayVfs, isRebindUnderRelay, rebindRefusal } from './plan-pf-guards.js';

export interface PfPlan {
  steps: Step[];
  refusal: Refusal | null;
  /** The VFs as they will be once the steps ran: pci -> driver. */
  vfsAfter: Map<PciAddress, string | null>;
}

export interface PfPlanInput {
  pf: ObservedPf;
  rule: PfRule;
  /** The forwarder's relays; null = unknown (it did not answer): never read as none. */
  relays: ObservedRelay[] | null;
  force: boolean;
  /** relays: observe: vfkeeper never detaches a relay, so a count change waits while one is attached. */
  handsOffRelays?: boolean;
  /** VF settings this PF's driver refused (unsupportedKey): not planned again. */
  unsupported?: ReadonlySet<string>;
  /** The forwarder's static VFs (VIRTIOFWD_STATIC_VFS): a count change never removes one; unknown (error) is never "none". */
  staticVfs?: ObservedStaticVfs | null;
}

export function planPf({
  pf,
  rule,
  relays,
  force,
  handsOffRelays = false,
  unsupported = new Set(),
  staticVfs = null,
}: PfPlanInput): PfPlan {
  const blocked = checkPrerequisites(pf, rule);
  if (blocked) return { steps: [], refusal: blocked, vfsAfter: new Map(pf.vfs.map((v) => [v.pci, v.driver])) };
  const wanted = rule.vfs === 'max' ? pf.totalVfs : rule.vfs;
  if (wanted > pf.totalVfs) return { steps: [], refusal: aboveTotal(pf, wanted), vfsAfter: new Map(pf.vfs.map((v) => [v.pci, v.driver])) };
  const steps: Step[] = [...planLink(pf, rule)];
  if (pf.autoprobe === true) {
    steps.push({ kind: 'set-autoprobe', pf: pf.pci, from: true, to: false, why: "new VFs must not be probed by the NIC's VF driver" });
  }
  if (pf.numVfs !== wanted) {
    const count = checkStaticVfs(pf, wanted, staticVfs, force) ?? planCount(pf, wanted, relays, force, handsOffRelays);
    if ('refusal' in count) return { steps: [], refusal: count.refusal, vfsAfter: new Map(pf.vfs.map((v) => [v.pci, v.driver])) };
    steps.push(...count.steps);
  }
  const vfs = pf.numVfs === wanted ? pf.vfs : predictVfs(pf, wanted);
  const held = relays === null && !force ? vfs.filter((vf) => isRebindUnderRelay(vf, rule)) : [];
  const rateWaits: number[] = [];
  for (const vf of vfs) {
    const settings = planVfSettings(pf, rule, vf, unsupported);
    if (settings.rateWaitsForLink) rateWaits.push(vf.index);
    steps.push(...planVf(pf, rule, vf), ...settings.steps, ...(held.includes(vf) ? [] : planBind(rule, pf, vf)));
  }
  const vfsAfter = new Map(vfs.map((v) => [v.pci, held.includes(v) ? v.driver : rule.vfDriver]));
  const refusal = held.length > 0 ? rebindRefusal(pf, rule, held) : rateWaits.length > 0 ? rateWaitRefusal(pf, rateWaits) : null;
  return { steps, refusal, vfsAfter };
}

function checkPrerequisites(pf: ObservedPf, rule: PfRule): Refusal | null {
  const refuse = (code: ErrorCode, why: string, hint: string): Refusal => ({ kind: 'blocked', pf: pf.pci, code, why, hint });
  const wait = (code: ErrorCode, why: string, hint: string): Refusal => ({ kind: 'waiting', pf: pf.pci, code, why, hint });
  // A PF being hot-plugged, or whose driver is reloaded, has no driver for a moment: its bind wakes the next run.
  if (pf.driver === null) {
    return wait(
      'ERR_NO_PF_DRIVER',
      `${pf.pci} has no driver bound yet; its VFs are created once it binds`,
      "nothing to do during a hotplug or a driver reload; otherwise load the PF's driver (modprobe)",
    );
  }
  if (!pf.netdevSettled) {
    return wait(
      'ERR_PF_NETDEV_SETTLING',
      `${pf.pci}'s interface ${pf.netdev ?? ''} is not settled yet (udev has not finished with it); nothing is done for it until it is`,
      'nothing to do: the rename by udev wakes the next run; check `udevadm info /sys/class/net/IFACE` if it lasts',
    );
  }
  // Only NICs whose firmware comes in flavours (Netronome's) have an SR-IOV build to check for.
  if (rule.firmware === 'any' || !hasFirmwareFlavours(pf.vendor)) return null;
  if (pf.firmware === null) {
    return refuse(
      'ERR_FIRMWARE_UNKNOWN',
      `The firmware of ${pf.pci} cannot be read${pf.netdev ? ` (ethtool -i ${pf.netdev})` : ' (it has no netdev)'}`,
      'set `firmware: any` for this PF if it is not a Netronome NIC',
    );
  }
  if (!isSriovFirmware(parseFirmwareApp(pf.firmware))) {
    return refuse(
      'ERR_FIRMWARE_NOT_SRIOV',
      `${pf.pci} runs firmware ${pf.firmware}, not the SR-IOV build (sriov-2.1 or later)`,
      'point /lib/firmware/netronome at nic-sriov (`vfkeeper firmware --fix`), then reload the driver: modprobe -r nfp && modprobe nfp',
    );
  }
  return null;
}

/** A count the PF cannot have: said as such, rather than written and answered with ERANGE. */
function aboveTotal(pf: ObservedPf, wanted: number): Refusal {
  return {
    kind: 'blocked',
    pf: pf.pci,
    code: 'ERR_VFS_ABOVE_TOTAL',
    why: `The configuration wants ${wanted} VFs on ${pf.pci}, but it has at most ${pf.totalVfs} (sriov_totalvfs)`,
    hint: `set vfs: ${pf.totalVfs} (or max) in the rule that matches ${pf.pci}`,
  };
}

function planLink(pf: ObservedPf, rule: PfRule): Step[] {
  if (pf.netdev === null || pf.link === null) return [];
  const steps: Step[] = [];
  if (!pf.link.up) steps.push({ kind: 'set-link-up', pf: pf.pci, netdev: pf.netdev, why: `${pf.netdev} is down` });
  if (rule.mtu !== null && pf.link.mtu !== rule.mtu) {
    steps.push({
      kind: 'set-mtu',
      pf: pf.pci,
      netdev: pf.netdev,
      from: pf.link.mtu,
      to: rule.mtu,
      why: `MTU ${pf.link.mtu}, want ${rule.mtu}`,
    });
  }
  return steps;
}

function planCount(
  pf: ObservedPf,
  wanted: number,
  relays: ObservedRelay[] | null,
  force: boolean,
  handsOff: boolean,
): { steps: Step[] } | { refusal: Refusal } {
  const set = (from: number, to: number, why: string): Step => ({ kind: 'set-numvfs', pf: pf.pci, from, to, why });
  const stray = checkStrayVfs(pf, predictVfs(pf, wanted));
  if (stray) return { refusal: stray };
  if (pf.numVfs === 0) return { steps: [set(0, wanted, `numvfs 0, want ${wanted}`)] };
  const vfPcis = new Set<string>(pf.vfs.map((v) => v.pci));
  const attached = (relays ?? []).filter((r) => r.vf !== null && vfPcis.has(r.vf) && isRelayAttached(r));
  const guard = checkCountChange(pf, wanted, { relays, attached, force, handsOff });
  if (guard) return { refusal: guard };
  const detach = attached.map((r): Step => ({
    kind: 'detach-relay',
    virtioId: r.virtioId,
    vf: r.vf,
    pf: pf.pci,
    why: `its VF goes away: numvfs ${pf.numVfs} -> ${wanted}`,
  }));
  const steps = [...detach, set(pf.numVfs, 0, `numvfs ${pf.numVfs}, want ${wanted}: the kernel takes a new count only from 0`)];
  if (wanted > 0) steps.push(set(0, wanted, `numvfs 0, want ${wanted}`));
  return { steps };
}

function predictVfs(pf: ObservedPf, wanted: number): ObservedPf['vfs'] {
  return Array.from({ length: wanted }, (_, index) => ({
    index,
    pci: vfAddress(pf.pci, pf.vfOffset, pf.vfStride, index),
    driver: null,
    driverOverride: null,
    iommuGroup: null,
    mac: null,
    settings: null,
    vfioHolders: [],
  }));
}

function planVf(pf: ObservedPf, rule: PfRule, vf: ObservedPf['vfs'][number]): Step[] {
  const steps: Step[] = [];
  const mac = wantedMac(pf, rule, vf.index, vf.mac);
  if (pf.netdev !== null && mac !== null && vf.mac !== mac) {
    steps.push({
      kind: 'set-vf-mac',
      pf: pf.pci,
      netdev: pf.netdev,
      vf: vf.pci,
      index: vf.index,
      from: vf.mac,
      to: mac,
      why: `VF ${vf.index} MAC ${vf.mac ?? 'unset'}, want ${mac}`,
    });
  }
  return steps;
}

function planBind(rule: PfRule, pf: ObservedPf, vf: ObservedPf['vfs'][number]): Step[] {
  const steps: Step[] = [];
  if (vf.driver !== rule.vfDriver) {
    steps.push({
      kind: 'bind-driver',
      pf: pf.pci,
      vf: vf.pci,
      index: vf.index,
      from: vf.driver,
      to: rule.vfDriver,
      why: `VF ${vf.index} is ${vf.driver === null ? 'unbound' : `on ${vf.driver}`}, want ${rule.vfDriver}`,
    });
  }
  return steps;
}

const ZERO_MAC = '00:00:00:00:00:00';

/**
 * The MAC VF `index` should have. `keep` keeps what the VF has, but never a
 * zero MAC: some drivers refuse zero MAC filters (igb logs "VF attempted to
 * set invalid MAC filter"), so a zero one gets the derived MAC.
 */
export function wantedMac(
  pf: Pick<ObservedPf, 'pci' | 'permMac'>,
  rule: PfRule,
  index: number,
  current: string | null = null,
): string | null {
  if (rule.vfMacs === 'keep') return current === ZERO_MAC ? deriveVfMac(pf.permMac ?? pf.pci, index) : null;
  if (rule.vfMacs === 'derive') return deriveVfMac(pf.permMac ?? pf.pci, index);
  return rule.vfMacs[index] ?? null;
}
