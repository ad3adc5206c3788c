// Netronome firmware: the application part of ethtool's firmware-version and
// the symbolic links in the firmware directory (/lib/firmware/netronome).
// Plain data and pure parsers; the I/O is in src/host/firmware-links.ts.

/** A top-level symbolic link of the firmware directory. */
export interface FirmwareLink {
  /** The file name the driver asks for, e.g. "nic_AMDA0058-0011_2x40.nffw". */
  name: string;
  /** The target as stored, e.g. "nic/nic_AMDA0058-0011_2x40.nffw" or "/opt/netronome/agilio-sriov-firmware/...". */
  target: string;
}

export interface FirmwareTree {
  /** The firmware directory as the host names it, e.g. "/lib/firmware/netronome". */
  dir: string;
  links: FirmwareLink[];
  /** File names in <dir>/<flavour>/; null when that directory is absent. */
  flavourFiles: string[] | null;
}

/** An application build, e.g. { name: "sriov", version: [2, 1, 14] } for "sriov-2.1.14". */
export interface FirmwareApp {
  name: string;
  version: number[];
}

/**
 * Vendors whose NICs load one of several firmware flavours, SR-IOV being
 * one: Netronome (19ee) and Corigine (1da8), both driven by nfp. Other NICs
 * (igb, ice, mlx5...) have one firmware: `firmware: sriov` does not apply.
 */
const FIRMWARE_FLAVOUR_VENDORS: ReadonlySet<number> = new Set([0x19ee, 0x1da8]);

export function hasFirmwareFlavours(vendor: number): boolean {
  return FIRMWARE_FLAVOUR_VENDORS.has(vendor);
}

/** SR-IOV capability starts with sriov-2.1 (the guide: "sriov-2.1.x or greater"). */
export const SRIOV_MIN_VERSION: readonly number[] = [2, 1];

const APP = /^([a-z][a-z0-9_]*)-(\d+(?:\.\d+)*)$/i;

/**
 * The application part of a firmware-version, from the whole ethtool line
 * ("0.0.3.5 0.22 sriov-2.1.14 nic") or the part alone ("sriov-2.1.14");
 * null when no word has the NAME-VERSION shape.
 */
export function parseFirmwareApp(text: string): FirmwareApp | null {
  for (const word of text.trim().split(/\s+/)) {
    const m = APP.exec(word);
    if (m?.[1] !== undefined && m[2] !== undefined) {
      return { name: m[1].toLowerCase(), version: m[2].split('.').map((n) => Number(n)) };
    }
  }
  return null;
}

/** -1, 0 or 1, comparing version numbers part by part (missing parts are 0). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** The SR-IOV build, version 2.1 or later. */
export function isSriovFirmware(app: FirmwareApp | null): boolean {
  return app !== null && app.name === 'sriov' && compareVersions(app.version, SRIOV_MIN_VERSION) >= 0;
}

/** What to run after the links changed; vfkeeper never reloads the driver itself. */
export const FIRMWARE_RELOAD_COMMAND = 'modprobe -r nfp && modprobe nfp';

/** The application part as text ("sriov-2.1.14"), as status and the journal show it; null when none. */
export function parseFirmwareApplication(version: string | null): string | null {
  if (version === null) return null;
  return (
    version
      .trim()
      .split(/\s+/)
      .find((w) => APP.test(w)) ?? null
  );
}

/** The driver that loads the firmware of the links (Netronome's and Corigine's NICs). */
export const FIRMWARE_DRIVER = 'nfp';
