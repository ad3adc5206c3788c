// Reading systemd-analyze's reports.

/** The figure of "→ Overall exposure level for vfkeeper.service: 3.5 OK". */
export function parseExposure(report: string): number {
  const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(report);
  if (!m?.[1]) throw new Error(`no exposure level in systemd-analyze output:\n${report}`);
  return Number(m[1]);
}
