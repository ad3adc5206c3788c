// The doctor's vocabulary: check ids (cli.md), results, and what the checks
// are given. Every check is `(ctx) => Promise<CheckResult>`; it reports what
// it could not read as `skip` with the reason, and never throws on purpose.
import type { Config } from '../model/config.js';
import type { ObservedPf } from '../model/observed.js';
import type { FileOwner } from '../host/types.js';
import type { RootFiles } from '../host/root-files.js';

/** In the order they are printed. */
export const CHECK_IDS = [
  'sriov-bios',
  'firmware',
  'firmware-links',
  'initramfs',
  'iommu',
  'vfio',
  'hugepages-2m',
  'hugepages-1g',
  'hugetlbfs',
  'libvirt-hugepage-dirs',
  'numa',
  'apparmor',
  'forwarder-installed',
  'forwarder-service',
  'forwarder-mode',
  'forwarder-ipc',
  'static-vfs',
  'socket-dir',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** One line: what was read, and where. */
  evidence: string;
  /** The exact command or edit that fixes it (from the guide); "" when there is nothing to fix. */
  fix: string;
}

export interface DoctorReport {
  /** Where the host's files were read ("/": the live host). */
  root: string;
  checks: CheckResult[];
}

/** What the doctor is run with; everything but config has a default. */
export interface DoctorInputs {
  /** Where the host's files are read: "/" (default) or a directory shaped like one. */
  root?: string;
  config: Config;
  /** The managed PFs, as observe() sees them (firmware = application part of ethtool's firmware-version). Absent: `firmware` skips. */
  pfs?: ObservedPf[] | (() => Promise<ObservedPf[]>);
  /** Resolves when the forwarder's port control endpoint answers (e.g. Forwarder.readRelays()); throws why not. Absent: that part skips. */
  probeForwarder?: () => Promise<unknown>;
  /** "user:group" -> ids. Default: <root>/etc/passwd and <root>/etc/group. */
  resolveOwner?: (spec: string) => Promise<FileOwner>;
  /** A unit's ActiveState. Default: `systemctl is-active` when root is "/", else none (the check says why it skips). */
  readUnitActiveState?: (unit: string) => Promise<string>;
  /** The kernel ring buffer. Default: `dmesg` when root is "/", else none (log files under root are still read). */
  readKernelLog?: () => Promise<string>;
  /** Whose /lib/modules/<release> and /boot/initrd.img-<release> to read. Default: `uname -r` when root is "/", else every release under root. */
  kernelRelease?: string;
  /** `lsinitramfs -l FILE` (FILE as this machine sees it). Default: the lsinitramfs on PATH. */
  listInitramfs?: (file: string) => Promise<string>;
}

/** DoctorInputs with the defaults filled in: what each check receives. */
export interface DoctorContext {
  root: string;
  config: Config;
  files: RootFiles;
  /** null = not given. */
  readPfs: (() => Promise<ObservedPf[]>) | null;
  probeForwarder: (() => Promise<unknown>) | null;
  resolveOwner: (spec: string) => Promise<FileOwner>;
  readUnitActiveState: ((unit: string) => Promise<string>) | null;
  readKernelLog: (() => Promise<string>) | null;
  kernelRelease: string | null;
  listInitramfs: (file: string) => Promise<string>;
}

export type Check = (ctx: DoctorContext) => Promise<CheckResult>;

export function pass(id: CheckId, evidence: string): CheckResult {
  return { id, status: 'pass', evidence, fix: '' };
}

export function warn(id: CheckId, evidence: string, fix: string): CheckResult {
  return { id, status: 'warn', evidence, fix };
}

export function fail(id: CheckId, evidence: string, fix: string): CheckResult {
  return { id, status: 'fail', evidence, fix };
}

export function skip(id: CheckId, evidence: string, fix = ''): CheckResult {
  return { id, status: 'skip', evidence, fix };
}

/** A message from anything thrown, for evidence. */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
