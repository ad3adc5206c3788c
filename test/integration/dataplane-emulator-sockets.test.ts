// The emulator's dynamic sockets (ADD_SOCK / QUERY_PCI / REMOVE_SOCK) and
// its link to the host (a VF DPDK cannot take), over real sockets.
import { access, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ForwarderClient } from '../../src/dataplane/client/forwarder-client.js';
import { ForwarderEmulator, type ForwarderEmulatorOptions } from '../../src/dataplane/emulator/emulator.js';
import { parsePciAddress } from '../../src/model/pci.js';
import { forwarderErrorOf } from '../helpers/forwarder-error-of.js';
import { tempDir } from '../helpers/temp.js';

const VF = parsePciAddress('0000:02:08.3');
const cleanups: (() => Promise<void>)[] = [];

async function setUp(options: Omit<ForwarderEmulatorOptions, 'dir'>) {
  const temp = tempDir();
  const emulator = new ForwarderEmulator({ dir: temp.dir, ...options });
  await emulator.start();
  const client = new ForwarderClient({ ...emulator.endpoints, timeoutMs: 2000 });
  cleanups.push(async () => {
    client.close();
    await emulator.stop();
    temp.remove();
  });
  return { emulator, client };
}

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('dynamic sockets', () => {
  it('creates no socket at start', async () => {
    const { emulator } = await setUp({ dynamicSockets: true });
    expect(await readdir(emulator.socketDir)).toEqual([]);
  });

  it('ADD_SOCK creates the socket on a free relay, QUERY_PCI names its VF, REMOVE_SOCK removes both', async () => {
    const { emulator, client } = await setUp({ dynamicSockets: true });
    const sock = path.join(emulator.socketDir, 'vm-a.sock');
    await client.addSock(sock, [VF]);
    expect((await stat(sock)).isSocket()).toBe(true);
    expect(await client.queryPci(sock)).toBe(VF);
    const relay0 = (await client.stats({ relay: [0] })).relay[0];
    expect(relay0?.vhost.vhost_socket_name).toBe(sock);
    expect(relay0?.vf?.pci_addr_str).toBe(VF);
    await emulator.connectVm(0);
    await client.removeSock(sock, [VF]);
    await expect(access(sock)).rejects.toThrow();
    expect((await client.stats({ relay: [0] })).relay[0]?.vf_to_vm.internal_state).toBe('DPDK_UNINIT');
  });

  it('refuses a socket twice, a VF twice and a path outside the socket directory', async () => {
    const { emulator, client } = await setUp({ dynamicSockets: true });
    const sock = path.join(emulator.socketDir, 'vm-a.sock');
    await client.addSock(sock, [VF]);
    expect((await forwarderErrorOf(client.addSock(sock, [parsePciAddress('0000:02:08.4')]))).context.errorCode).toBe(1);
    expect((await forwarderErrorOf(client.addSock(path.join(emulator.socketDir, 'b.sock'), [VF]))).context.errorCode).toBe(-17);
    const outside = await forwarderErrorOf(client.addSock(path.join(emulator.dir, 'c.sock'), [parsePciAddress('0000:02:08.5')]));
    expect(outside.context).toMatchObject({ errorCode: 5, errorCodeSource: 'virtio_add_sock_dev_pair()' });
  });

  it('QUERY_PCI of an unknown socket is refused', async () => {
    const { emulator, client } = await setUp({ dynamicSockets: true });
    const e = await forwarderErrorOf(client.queryPci(path.join(emulator.socketDir, 'nobody.sock')));
    expect(e.code).toBe('ERR_FORWARDER_REFUSED');
  });

  it('with sockets made at start, no relay is free for ADD_SOCK (code 2)', async () => {
    const { emulator, client } = await setUp({});
    const e = await forwarderErrorOf(client.addSock(path.join(emulator.socketDir, 'x.sock'), [VF]));
    expect(e.context.errorCode).toBe(2);
    expect(e.hint).toContain('VIRTIOFWD_DYNAMIC_SOCKETS');
  });
});

describe('the host behind the emulator', () => {
  it('a VF DPDK cannot take (e.g. not on vfio-pci) makes ADD fail with code 2 and a hint', async () => {
    const { client } = await setUp({ canAttach: (pci) => pci !== VF });
    const e = await forwarderErrorOf(client.add(1, [VF]));
    expect(e.context).toMatchObject({ errorCode: 2, errorCodeSource: 'virtio_forwarder_add_vf2()' });
    expect(e.hint).toContain('vfio-pci');
    await client.add(1, [parsePciAddress('0000:02:08.4')]);
  });

  it('rejects a directory too long for unix socket paths, naming it', () => {
    expect(() => new ForwarderEmulator({ dir: `/tmp/${'x'.repeat(100)}` })).toThrow(/longer than a unix socket path/);
  });
});
