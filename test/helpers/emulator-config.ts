// The forwarder: section of a vfkeeper configuration that points at an
// emulated forwarder; its sockets are handed to `socketOwner`.
import type { ForwarderEmulator } from '../../src/dataplane/emulator/emulator.js';

export function formatEmulatorConfig(fw: ForwarderEmulator, socketOwner = 'nobody:nogroup'): string {
  return `forwarder:\n  port_control: ${fw.endpoints.portControl}\n  stats: ${fw.endpoints.stats}\n  socket_dir: ${fw.socketDir}\n  socket_owner: "${socketOwner}"\n`;
}
