// udev match keys for one PF rule of the configuration: how udev recognises
// the PF itself and how it recognises that PF's VFs. Pure; the values are
// checked here because udev gives `"`, globs, `|`, `%` and `$` a meaning.
import type { PfMatch } from '../model/config.js';
import { VfkeeperError } from '../model/errors.js';

/**
 * The kernel's nfp driver tables: PF device ids (nfp_main.c) and the VF id
 * each one creates (nfp_netvf_main.c: NFP3800 VF 0x3803, NFP4000/5000/6000
 * VF 0x6003), for Netronome (0x19ee) and Corigine (0x1da8).
 */
const NFP_VENDORS: readonly number[] = [0x19ee, 0x1da8];
const NFP_VF_OF_PF: ReadonlyMap<number, number> = new Map([
  [0x3800, 0x3803],
  [0x4000, 0x6003],
  [0x5000, 0x6003],
  [0x6000, 0x6003],
]);

/** Safe inside a udev value: no quote, glob, alternative or substitution characters. */
const SAFE_NAME = /^[A-Za-z0-9_.@+-]{1,15}$/;
/** As the kernel names PCI devices (KERNEL== compares it as text). */
const CANONICAL_PCI = /^[0-9a-f]{4}:[0-9a-f]{2}:[01][0-9a-f]\.[0-7]$/;

export function formatHexId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

function formatIdList(ids: readonly number[]): string {
  return [...new Set(ids)].map(formatHexId).join('|');
}

function isNfpVendor(vendor: number | undefined): boolean {
  return vendor !== undefined && NFP_VENDORS.includes(vendor);
}

/** Throws when a number or name from the configuration cannot be put in a rule. */
export function parseRuleMatch(match: PfMatch, where: string): PfMatch {
  for (const key of ['vendor', 'device'] as const) {
    const id = match[key];
    if (id !== undefined && !(Number.isInteger(id) && id >= 0 && id <= 0xffff)) {
      throw new VfkeeperError('ERR_CONFIG_UDEV_VALUE', `${where}.${key}: ${id} is not a 16-bit PCI id`, {
        at: `${where}.${key}`,
        hint: 'write the id as four hex digits, e.g. id: "19ee:4000"',
      });
    }
  }
  if (match.pci !== undefined && !CANONICAL_PCI.test(match.pci)) {
    throw new VfkeeperError('ERR_CONFIG_UDEV_VALUE', `${where}.pci: "${match.pci}" is not a PCI address`, {
      at: `${where}.pci`,
      hint: 'write it as DDDD:BB:SS.F in lower case, e.g. 0000:02:00.0',
    });
  }
  if (match.netdev !== undefined && !SAFE_NAME.test(match.netdev)) {
    throw new VfkeeperError('ERR_CONFIG_UDEV_VALUE', `${where}.netdev: "${match.netdev}" cannot be matched by a udev rule`, {
      at: `${where}.netdev`,
      netdev: match.netdev,
      hint: 'use a netdev name of at most 15 letters, digits and _ . @ + -, or match the PF by pci or id',
    });
  }
  return match;
}

/** Keys that select the PF's PCI device on its own events; null when only a netdev name says which PF. */
export function planPfPciKeys(match: PfMatch): string[] | null {
  if (match.netdev !== undefined && match.pci === undefined && match.vendor === undefined && match.device === undefined) {
    return null;
  }
  const keys: string[] = [];
  if (match.pci !== undefined) keys.push(`KERNEL=="${match.pci}"`);
  if (match.vendor !== undefined) keys.push(`ATTR{vendor}=="${formatHexId(match.vendor)}"`);
  if (isNfpVendor(match.vendor) && match.device === undefined) {
    keys.push(`ATTR{device}=="${formatIdList([...NFP_VF_OF_PF.keys()])}"`);
  } else if (match.device !== undefined) {
    keys.push(`ATTR{device}=="${formatHexId(match.device)}"`);
  }
  const knownPf = isNfpVendor(match.vendor) && (match.device === undefined || NFP_VF_OF_PF.has(match.device));
  // Only a PF has sriov_totalvfs: keeps out VFs that share the PF's id.
  if (match.pci === undefined && !knownPf) keys.push('ATTR{sriov_totalvfs}=="?*"');
  return keys;
}

/** VF ids from the nfp tables, or null when the PF's VFs cannot be told by their own id. */
function planNfpVfIds(match: PfMatch): number[] | null {
  if (!isNfpVendor(match.vendor)) return null;
  if (match.device === undefined) return [...NFP_VF_OF_PF.values()];
  const vf = NFP_VF_OF_PF.get(match.device);
  return vf === undefined ? null : [vf];
}

/**
 * Keys that select a VF of this PF, from a device whose PCI function is at
 * `prefix` (`""` on the VF's PCI events, `"device/"` on its netdev's).
 */
export function planVfKeys(match: PfMatch, prefix: string): string[] {
  const keys: string[] = [];
  const vfIds = planNfpVfIds(match);
  if (vfIds !== null && match.vendor !== undefined) {
    keys.push(`ATTR{${prefix}vendor}=="${formatHexId(match.vendor)}"`, `ATTR{${prefix}device}=="${formatIdList(vfIds)}"`);
  } else {
    keys.push(`TEST=="${prefix}physfn"`);
    if (match.vendor !== undefined) keys.push(`ATTR{${prefix}physfn/vendor}=="${formatHexId(match.vendor)}"`);
    if (match.device !== undefined) keys.push(`ATTR{${prefix}physfn/device}=="${formatHexId(match.device)}"`);
  }
  // physfn is a link, which udev does not read as a value; its uevent names the PF.
  if (match.pci !== undefined) keys.push(`ATTR{${prefix}physfn/uevent}=="*PCI_SLOT_NAME=${match.pci}*"`);
  if (match.netdev !== undefined) keys.push(`TEST=="${prefix}physfn/net/${match.netdev}"`);
  return keys;
}
