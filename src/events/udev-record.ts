// One `udevadm monitor --udev --property` record -> a WakeEvent, pure.
//
// A record is a header line, `UDEV  [1234.567890] bind     /devices/... (pci)`,
// then KEY=VALUE lines. The properties are what we read; the header must agree
// with them (ACTION, DEVPATH, SUBSYSTEM), which catches records spliced
// together by a torn pipe. Anything that does not look like udev wrote it is
// "malformed" (the caller warns and skips it); well-formed records we have
// no use for are "ignored" (no warning). Nothing here throws.
import { isPciAddress, parsePciAddress, type PciAddress } from '../model/pci.js';
import { checkNetdevName } from './netdev-name.js';
import type { WakeEvent } from './types.js';

export type UdevEvent = Extract<WakeEvent, { source: 'udev' }>;

export type UdevRecordResult =
  { kind: 'event'; event: UdevEvent } | { kind: 'ignored'; reason: string } | { kind: 'malformed'; reason: string };

export const PCI_ACTIONS: ReadonlySet<string> = new Set(['add', 'remove', 'bind', 'unbind', 'change']);
export const NET_ACTIONS: ReadonlySet<string> = new Set(['add', 'change', 'move']);

const HEADER = /^(UDEV|KERNEL)\s*\[\d+\.\d+\]\s+(\S+)\s+(\/\S*)\s+\((\S+)\)$/;
const PCI_ID = /^[0-9a-f]{4}:[0-9a-f]{4}$/i;
const DRIVER = /^[\w.+-]+$/;

interface Header {
  source: string;
  action: string;
  devpath: string;
  subsystem: string;
}

/** True for a line that starts a record (udevadm's "%-6s[" header). */
export function isUdevHeaderLine(line: string): boolean {
  return /^(UDEV|KERNEL)\s*\[/.test(line);
}

/** Parses one record: its header line first, then its property lines. */
export function parseUdevRecord(lines: readonly string[]): UdevRecordResult {
  const header = parseHeader(lines[0] ?? '');
  if (typeof header === 'string') return { kind: 'malformed', reason: header };
  if (header.source === 'KERNEL') return { kind: 'ignored', reason: 'a kernel uevent, not yet processed by udev' };
  const props = parseProperties(lines.slice(1));
  if (typeof props === 'string') return { kind: 'malformed', reason: props };
  const mismatch = checkAgreement(header, props);
  if (mismatch !== null) return { kind: 'malformed', reason: mismatch };
  if (header.subsystem === 'pci') return parsePciRecord(header, props);
  if (header.subsystem === 'net') return parseNetRecord(header, props);
  return { kind: 'ignored', reason: `subsystem ${header.subsystem} is not watched` };
}

function parseHeader(line: string): Header | string {
  const m = HEADER.exec(line);
  if (!m) return `header ${JSON.stringify(line.slice(0, 120))} is not "UDEV [TIME] ACTION DEVPATH (SUBSYSTEM)"`;
  return { source: m[1] ?? '', action: m[2] ?? '', devpath: m[3] ?? '', subsystem: m[4] ?? '' };
}

/** KEY=VALUE lines; the value may itself contain '='. */
export function parseProperties(lines: readonly string[]): Map<string, string> | string {
  const props = new Map<string, string>();
  for (const [i, line] of lines.entries()) {
    const eq = line.indexOf('=');
    const key = eq > 0 ? line.slice(0, eq) : '';
    if (key === '' || /\s/.test(key)) return `property line ${i + 1} ${JSON.stringify(line.slice(0, 80))} is not KEY=VALUE`;
    props.set(key, line.slice(eq + 1));
  }
  return props;
}

function checkAgreement(h: Header, props: Map<string, string>): string | null {
  for (const [key, want] of [
    ['ACTION', h.action],
    ['DEVPATH', h.devpath],
    ['SUBSYSTEM', h.subsystem],
  ] as const) {
    const got = props.get(key);
    if (got === undefined) return `${key} is missing`;
    if (got !== want) return `${key}=${got} disagrees with the header's ${want}`;
  }
  return null;
}

function lastComponent(devpath: string): string {
  return devpath.slice(devpath.lastIndexOf('/') + 1);
}

function parsePciRecord(h: Header, props: Map<string, string>): UdevRecordResult {
  if (!PCI_ACTIONS.has(h.action)) return { kind: 'ignored', reason: `pci action ${h.action} is not watched` };
  const slot = props.get('PCI_SLOT_NAME');
  if (slot === undefined) return { kind: 'malformed', reason: 'PCI_SLOT_NAME is missing' };
  if (!isPciAddress(slot)) return { kind: 'malformed', reason: `PCI_SLOT_NAME=${slot} is not a PCI address` };
  const pci: PciAddress = parsePciAddress(slot);
  if (lastComponent(h.devpath).toLowerCase() !== pci) {
    return { kind: 'malformed', reason: `PCI_SLOT_NAME=${slot} is not the device of DEVPATH=${h.devpath}` };
  }
  const driver = props.get('DRIVER') ?? '';
  if (driver !== '' && !DRIVER.test(driver)) return { kind: 'malformed', reason: `DRIVER=${driver} is not a driver name` };
  const pciId = props.get('PCI_ID');
  if (pciId !== undefined && !PCI_ID.test(pciId)) return { kind: 'malformed', reason: `PCI_ID=${pciId} is not VVVV:DDDD` };
  return {
    kind: 'event',
    event: {
      source: 'udev',
      kind: 'pci',
      action: h.action,
      pci,
      driver: driver === '' ? null : driver,
      pciId: pciId === undefined ? null : pciId.toLowerCase(),
      physfn: null,
    },
  };
}

function parseNetRecord(h: Header, props: Map<string, string>): UdevRecordResult {
  if (!NET_ACTIONS.has(h.action)) return { kind: 'ignored', reason: `net action ${h.action} is not watched` };
  const netdev = props.get('INTERFACE');
  if (netdev === undefined) return { kind: 'malformed', reason: 'INTERFACE is missing' };
  const bad = checkNetdevName(netdev);
  if (bad !== null) return { kind: 'malformed', reason: `INTERFACE=${JSON.stringify(netdev)} is not an interface name: ${bad}` };
  const parts = h.devpath.split('/');
  if (parts.at(-1) !== netdev || parts.at(-2) !== 'net') {
    return { kind: 'malformed', reason: `DEVPATH=${h.devpath} does not end in /net/${netdev}` };
  }
  // A managed PF is always a PCI function; virtual and USB interfaces never are.
  const device = parts.at(-3) ?? '';
  if (!isPciAddress(device)) return { kind: 'ignored', reason: `${netdev} is not on a PCI function (${h.devpath})` };
  return { kind: 'event', event: { source: 'udev', kind: 'net', action: h.action, netdev, pci: parsePciAddress(device) } };
}
