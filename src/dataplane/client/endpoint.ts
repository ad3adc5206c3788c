// ZeroMQ endpoint strings: which transports we accept, and a fast check
// that an ipc:// endpoint has something at its path before we connect.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

const TRANSPORT = /^(ipc|tcp|inproc):\/\/./;

/** Why an endpoint cannot be used, or null when it looks usable. Pure. */
export function parseEndpointProblem(endpoint: string): string | null {
  if (endpoint.trim() === '') return 'no endpoint is configured';
  if (!TRANSPORT.test(endpoint)) return `"${endpoint}" is not a ZeroMQ endpoint (ipc://PATH or tcp://HOST:PORT)`;
  return null;
}

/** The filesystem path of an ipc:// endpoint, null for other transports. */
export function parseIpcPath(endpoint: string): string | null {
  return endpoint.startsWith('ipc://') ? endpoint.slice('ipc://'.length) : null;
}

export type IpcPresence = { present: true } | { present: false; reason: string; errno: string };

/**
 * Whether the socket file of an ipc:// endpoint exists and is a socket.
 * Other transports are reported present: only connecting tells.
 */
export async function readIpcPresence(endpoint: string): Promise<IpcPresence> {
  const path = parseIpcPath(endpoint);
  if (path === null) return { present: true };
  try {
    const st = await stat(path);
    if (!st.isSocket()) return { present: false, reason: `${path} exists but is not a socket`, errno: 'ENOTSOCK' };
    // Connecting to a unix socket needs write permission; say so rather than "refused".
    await access(path, constants.W_OK);
    return { present: true };
  } catch (e) {
    const errno = (e as NodeJS.ErrnoException).code ?? 'EIO';
    const reason =
      errno === 'ENOENT'
        ? `${path} does not exist`
        : errno === 'EACCES'
          ? `${path} is not writable by uid ${process.getuid?.() ?? '?'} (run vfkeeper as root)`
          : `${path} cannot be used (${errno})`;
    return { present: false, reason, errno };
  }
}
