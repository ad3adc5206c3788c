// Requests as short sentences for error messages and journal fields. Pure.
import { formatPci } from '../../model/pci.js';
import type { PortControlRequest, StatsRequest } from '../proto/messages.js';

export function formatPortControlRequest(req: PortControlRequest): string {
  const devs = req.pci_addrs.map((p) => formatPci(p));
  const parts: string[] = [req.op];
  if (req.vhost_path !== undefined) parts.push(req.vhost_path);
  if (req.virtio_id !== undefined) parts.push(`relay ${req.virtio_id}`);
  if (req.name !== undefined) parts.push(`bond ${req.name} (${devs.join(', ')})`);
  else if (devs.length > 0) parts.push(`VF ${devs.join(', ')}`);
  if (req.conditional === false) parts.push('(unconditional)');
  return parts.join(' ');
}

export function formatStatsRequest(req: StatsRequest): string {
  const which = req.relay.length === 0 ? 'all relays' : `relay${req.relay.length > 1 ? 's' : ''} ${req.relay.join(', ')}`;
  return `stats of ${which}`;
}
