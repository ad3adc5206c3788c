// `vfkeeper forwarder-emulator --dir DIR`: prints its endpoints, serves
// them, and stops cleanly on SIGTERM.
import { access } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { forwarderEmulatorCommand, runForwarderEmulator } from '../../src/cli/commands/forwarder-emulator.js';
import { ZmqForwarder } from '../../src/dataplane/zmq-forwarder.js';
import { parsePciAddress } from '../../src/model/pci.js';
import { capture } from '../helpers/command-context.js';
import { tempDir } from '../helpers/temp.js';
import { waitFor } from '../helpers/wait-for.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('vfkeeper forwarder-emulator', () => {
  it('prints its endpoints, serves them, and stops on SIGTERM', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const { ctx, out } = capture(['--dir', t.dir]);
    const exit = forwarderEmulatorCommand.run(ctx);
    const printed = await waitFor(() => out().includes('sockets:') && out(), 'the endpoints to be printed');
    expect(printed).toBe(`port control: ipc://${t.dir}/port_control\nstats:        ipc://${t.dir}/stats\nsockets:      ${t.dir}/sockets\n`);
    const forwarder = new ZmqForwarder({ portControl: `ipc://${t.dir}/port_control`, stats: `ipc://${t.dir}/stats`, timeoutMs: 2000 });
    await forwarder.attach(1, parsePciAddress('0000:02:08.0'));
    expect((await forwarder.readRelays())[1]?.vfState).toBe('DPDK_ADDED');
    await forwarder.close();
    process.kill(process.pid, 'SIGTERM');
    expect(await exit).toBe(0);
    await expect(access(`${t.dir}/sockets/virtio-forwarder0.sock`)).rejects.toThrow();
    await expect(access(`${t.dir}/port_control`)).rejects.toThrow();
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });

  it('--json prints one JSON document; --dynamic-sockets makes no socket at start', async () => {
    const t = tempDir();
    cleanups.push(t.remove);
    const { ctx, out } = capture(['--dir', t.dir, '--dynamic-sockets'], { json: true });
    let stop = () => {};
    const exit = runForwarderEmulator(ctx, () => new Promise<void>((resolve) => (stop = resolve)));
    const line = await waitFor(() => out().endsWith('\n') && out(), 'the JSON line');
    expect(JSON.parse(line)).toMatchObject({
      portControl: `ipc://${t.dir}/port_control`,
      stats: `ipc://${t.dir}/stats`,
      sockets: `${t.dir}/sockets`,
      dynamicSockets: true,
    });
    await expect(access(`${t.dir}/sockets/virtio-forwarder0.sock`)).rejects.toThrow();
    stop();
    expect(await exit).toBe(0);
  });

  it.each([[[]], [['--dir']], [['--dir', '/tmp', '--bogus']]])('bad usage %j exits 2 with the usage', async (args) => {
    const { ctx, err } = capture(args);
    expect(await runForwarderEmulator(ctx, () => new Promise(() => {}))).toBe(2);
    expect(err()).toContain('Usage: vfkeeper forwarder-emulator --dir DIR');
  });
});
