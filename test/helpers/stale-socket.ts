// A socket file with nothing behind it, as journald leaves when it stops.
// Node has no AF_UNIX datagram sockets, and closing a listening server
// unlinks its path; so: listen, hard-link the socket file elsewhere, close.
// The link keeps the inode, which no socket is bound to any more.
import { link } from 'node:fs/promises';
import net from 'node:net';

export async function makeStaleSocket(dir: string, name: string): Promise<string> {
  const live = `${dir}/${name}.live`;
  const stale = `${dir}/${name}`;
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(live, resolve);
  });
  await link(live, stale);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return stale;
}

/** A listening stream socket (not journald's kind); close() when done. */
export async function listenStream(path: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return server;
}
