// Is journald really listening on its native socket? The file can outlive
// the daemon (journald leaves it behind when it stops), so its existence
// says nothing. Node has no AF_UNIX datagram sockets, but a stream connect()
// tells the cases apart without sending anything:
//   EPROTOTYPE    a datagram socket is bound there: journald is listening
//   ECONNREFUSED  the file is a stale socket (or not a socket at all)
//   ENOENT        no file
//   connected     some stream server, not journald
import net from 'node:net';

/** The path libsystemd's sd_journal_send() always sends to. */
export const JOURNAL_SOCKET = '/run/systemd/journal/socket';

export type JournalSocketState = { state: 'live' } | { state: 'absent' | 'stale' | 'not-journal' | 'unknown'; detail: string };

/** Connect to `path` and classify the answer; resolves within `timeoutMs`. */
export function observeJournalSocket(path: string, timeoutMs = 1000): Promise<JournalSocketState> {
  return new Promise((resolve) => {
    const socket = net.connect({ path });
    const done = (result: JournalSocketState): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ state: 'unknown', detail: `no answer from ${path} within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
    socket.once('connect', () => done({ state: 'not-journal', detail: `${path} is a stream socket, not journald's` }));
    socket.once('error', (error: NodeJS.ErrnoException) => done(classifyConnectError(path, error)));
  });
}

function classifyConnectError(path: string, error: NodeJS.ErrnoException): JournalSocketState {
  switch (error.code) {
    case 'EPROTOTYPE':
      return { state: 'live' };
    case 'ENOENT':
      return { state: 'absent', detail: `${path} does not exist` };
    case 'ECONNREFUSED':
      return { state: 'stale', detail: `${path} exists but nothing listens on it (ECONNREFUSED)` };
    default:
      return { state: 'unknown', detail: `${path}: ${error.code ?? error.message}` };
  }
}
