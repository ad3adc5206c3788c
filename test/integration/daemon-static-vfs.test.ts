// The daemon re-reads the forwarder's environment file when it changes: a
// VF taken out of VIRTIOFWD_STATIC_VFS becomes vfkeeper's and gets its relay,
// with no command typed.
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonRig } from '../helpers/daemon.js';
import { waitFor } from '../helpers/wait-for.js';

let rig: DaemonRig;
beforeEach(() => (rig = new DaemonRig()));
afterEach(() => rig.tearDown());

describe('vfkeeper daemon and VIRTIOFWD_STATIC_VFS', () => {
  it('leaves a static VF alone, and takes it up once the file no longer lists it', async () => {
    const env = rig.t.path('virtioforwarder');
    writeFileSync(env, 'VIRTIOFWD_STATIC_VFS=(0000:02:08.1=1)\n');
    await rig.setUp(['--vfs', '4'], `  env_file: ${env}\n`);
    await rig.start();
    const relays = async (): Promise<string[]> =>
      (await rig.status()).pfs.flatMap((p) => p.vfs.map((v) => `${v.pci} ${v.relay.virtio_id ?? '-'} ${v.relay.state}`));
    await waitFor(async () => (await relays()).filter((r) => r.endsWith('attached')).length === 3, 'three relays attached');
    expect(await relays()).toEqual([
      '0000:02:08.0 2 attached',
      '0000:02:08.1 1 detached',
      '0000:02:08.2 3 attached',
      '0000:02:08.3 4 attached',
    ]);
    writeFileSync(env, 'VIRTIOFWD_STATIC_VFS=()\n');
    await rig.waitConverged(4, 'the VF given back by the forwarder to get its relay');
    expect(await relays()).toContain('0000:02:08.1 1 attached');
    expect(rig.stderr).toMatch(/woken by file/);
  });
});
