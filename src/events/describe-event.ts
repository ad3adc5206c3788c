// One line for a wake event, as a person reads it in the journal: which
// device or file, and what happened to it.
import type { WakeEvent } from './types.js';

export function describeEvent(e: WakeEvent): string {
  switch (e.kind) {
    case 'pci':
      return `${e.action} ${e.pci}${e.driver ? ` (${e.driver})` : ''}`;
    case 'net':
      return `${e.action} ${e.netdev}${e.pci ? ` (${e.pci})` : ''}`;
    case 'netdev':
      return `${e.action} ${e.netdev}`;
    case 'forwarder-active':
      return `${e.unit} active`;
    case 'config':
    case 'firmware':
    case 'sockets':
    case 'forwarder-env':
      return `${e.kind} ${e.path}`;
    default:
      return e.kind;
  }
}

/** The events behind a run, for its start entry: the first few, and how many more. */
export function describeEvents(events: readonly WakeEvent[], shown = 3): string | undefined {
  if (events.length === 0) return undefined;
  const first = events.slice(0, shown).map((e) => `${e.source} ${describeEvent(e)}`);
  return events.length > shown ? `${first.join('; ')}; and ${events.length - shown} more` : first.join('; ');
}
