// What `status` prints, shared by the command (commands/status.ts) and the
// front (front-status.ts), which must not load the command's lazy fallback
// (status-alone.ts: the host, the configuration, ZeroMQ) with it.
import type { Writable } from 'node:stream';
import type { StatusView } from '../../report/status.js';
import { formatStatus } from '../../report/format-status.js';

export const STATUS_USAGE = `Usage: vfkeeper status [--json]

  PFs, VFs, drivers, IOMMU groups, MACs, relays and socket owners: the whole chain.`;

/** Prints the view; the exit status is 1 when part of the host could not be read. */
export function writeStatus(out: { stdout: Writable; stderr: Writable; json: boolean }, view: StatusView, unreadable: string[]): number {
  out.stdout.write(out.json ? `${JSON.stringify(view, null, 2)}\n` : formatStatus(view));
  for (const u of unreadable) out.stderr.write(`vfkeeper: ${u}\n`);
  return unreadable.length > 0 ? 1 : 0;
}
