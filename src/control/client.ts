// The control socket's client: one request, one reply, one deadline. "No
// daemon" (nothing at the path, or a stale socket file nobody listens on)
// is an outcome, not an error, so callers such as `vfkeeper hook` can act
// alone; anything else that goes wrong is a VfkeeperError.
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { VfkeeperError } from '../model/errors.js';
import { MAX_REPLY_CHARS, parseControlReply, type ControlReply, type ControlRequest } from './protocol.js';
import { errnoOf } from '../model/errno.js';

export type ControlOutcome =
  | { kind: 'reply'; reply: ControlReply }
  /** ENOENT: no socket file; ECONNREFUSED: a stale socket file, no daemon behind it. */
  | { kind: 'no-daemon'; errno: 'ENOENT' | 'ECONNREFUSED'; message: string };

export const DEFAULT_CONTROL_DEADLINE_MS = 10_000;

function noDaemon(path: string, err: unknown): ControlOutcome | null {
  const errno = errnoOf(err);
  if (errno === 'ENOENT') return { kind: 'no-daemon', errno, message: `no vfkeeper daemon: ${path} does not exist` };
  if (errno === 'ECONNREFUSED')
    return { kind: 'no-daemon', errno, message: `no vfkeeper daemon: nothing listens on ${path} (a stale socket file)` };
  return null;
}

function socketError(path: string, err: unknown): VfkeeperError {
  const errno = errnoOf(err) ?? 'EIO';
  const denied = errno === 'EACCES' || errno === 'EPERM';
  return new VfkeeperError(
    denied ? 'ERR_CONTROL_ACCESS' : 'ERR_CONTROL_SOCKET',
    `cannot talk to the vfkeeper daemon on ${path}: ${String(err instanceof Error ? err.message : err)}`,
    {
      path,
      errno,
      cause: err,
      hint: denied ? 'the control socket is for root only: run this command as root' : 'check the --control-socket path',
    },
  );
}

/** Sends one request and reads its reply, all within deadlineMs. */
export async function requestControl(
  path: string,
  request: ControlRequest,
  deadlineMs = DEFAULT_CONTROL_DEADLINE_MS,
): Promise<ControlOutcome> {
  const socket = connect({ path });
  socket.setEncoding('utf8');
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new VfkeeperError(
            'ERR_CONTROL_TIMEOUT',
            `the vfkeeper daemon on ${path} did not answer "${request.request}" within ${deadlineMs} ms`,
            { path, hint: 'the daemon may be busy with a long run; see journalctl -u vfkeeper' },
          ),
        ),
      deadlineMs,
    );
  });
  try {
    return await Promise.race([exchange(socket, path, request), deadline]);
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

async function exchange(socket: Socket, path: string, request: ControlRequest): Promise<ControlOutcome> {
  try {
    await once(socket, 'connect');
  } catch (err) {
    const outcome = noDaemon(path, err);
    if (outcome) return outcome;
    throw socketError(path, err);
  }
  socket.write(`${JSON.stringify(request)}\n`);
  return { kind: 'reply', reply: parseControlReply(await readLine(socket, path)) };
}

async function readLine(socket: Socket, path: string): Promise<string> {
  let buffer = '';
  try {
    for await (const chunk of socket) {
      buffer += String(chunk);
      const nl = buffer.indexOf('\n');
      if (nl >= 0) return buffer.slice(0, nl);
      if (buffer.length > MAX_REPLY_CHARS) {
        throw new VfkeeperError('ERR_CONTROL_REPLY', `the daemon's reply on ${path} is longer than ${MAX_REPLY_CHARS} characters`, {
          path,
        });
      }
    }
  } catch (err) {
    throw err instanceof VfkeeperError ? err : socketError(path, err);
  }
  throw new VfkeeperError('ERR_CONTROL_REPLY', `the vfkeeper daemon on ${path} closed the connection without replying`, { path });
}

/** Whether a daemon answers on path: connects only, sends nothing. */
export function probeControlSocket(path: string, deadlineMs = 2_000): Promise<'answering' | 'absent' | 'stale'> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect({ path });
    const timer = setTimeout(() => {
      socket.destroy();
      // Accepting nothing for this long is a hung daemon, still a daemon.
      resolve('answering');
    }, deadlineMs);
    socket.on('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve('answering');
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      const outcome = noDaemon(path, err);
      if (outcome?.kind === 'no-daemon') resolve(outcome.errno === 'ENOENT' ? 'absent' : 'stale');
      else reject(socketError(path, err));
    });
  });
}
