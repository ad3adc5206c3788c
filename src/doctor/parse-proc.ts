// Parsers for the kernel's own text: /proc/cmdline, /proc/mounts,
// /proc/meminfo, hugepage sizes. Pure; garbage gives empty answers, never a throw.

/** Kernel parameters by name; a parameter given twice keeps its last value ("" for a bare flag). */
export function parseCmdline(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const word of text.trim().split(/\s+/)) {
    if (word === '') continue;
    const eq = word.indexOf('=');
    if (eq < 0) params.set(word, '');
    else params.set(word.slice(0, eq), word.slice(eq + 1).replace(/^"|"$/g, ''));
  }
  return params;
}

/** "on", "on,sm_on", "sm_on,on" all turn the IOMMU on. */
export function isParamOn(value: string | undefined): boolean {
  return value !== undefined && value.split(',').includes('on');
}

export interface Mount {
  source: string;
  /** Mount point as the host names it, with the kernel's octal escapes decoded. */
  target: string;
  fstype: string;
  options: string[];
}

export function parseMounts(text: string): Mount[] {
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [source, target, fstype, options] = line.trim().split(/\s+/);
    if (source === undefined || target === undefined || fstype === undefined || options === undefined) continue;
    mounts.push({ source, target: decodeOctal(target), fstype, options: options.split(',') });
  }
  return mounts;
}

function decodeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** "2M" -> 2048, "1G" -> 1048576, "2048k" -> 2048, "1024M" -> 1048576 (kB); null if not a size. */
export function parsePageSizeKb(text: string): number | null {
  const m = /^(\d+)([kKmMgG]?)[bB]?$/.exec(text.trim());
  if (!m?.[1]) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  if (unit === 'g') return n * 1024 * 1024;
  if (unit === 'm') return n * 1024;
  if (unit === 'k') return n;
  // A bare number is bytes (hugepagesz=2097152).
  return n % 1024 === 0 ? n / 1024 : null;
}

/** 2048 -> "2M", 1048576 -> "1G". */
export function formatPageSize(kb: number): string {
  if (kb % (1024 * 1024) === 0) return `${kb / (1024 * 1024)}G`;
  if (kb % 1024 === 0) return `${kb / 1024}M`;
  return `${kb}k`;
}

/** The page size of a hugetlbfs mount: its pagesize= option, else the default size. */
export function mountPageSizeKb(mount: Mount, defaultKb: number): number {
  const opt = mount.options.find((o) => o.startsWith('pagesize='));
  return (opt === undefined ? null : parsePageSizeKb(opt.slice('pagesize='.length))) ?? defaultKb;
}

/** "Hugepagesize:    2048 kB" from /proc/meminfo; null when absent. */
export function parseMeminfoHugepageKb(text: string): number | null {
  const m = /^Hugepagesize:\s+(\d+)\s*kB/m.exec(text);
  return m?.[1] === undefined ? null : Number(m[1]);
}
