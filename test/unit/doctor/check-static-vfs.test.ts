// static-vfs: the forwarder's own VFs can be read, and the configuration's
// relays do not overlap them.
import { describe, expect, it } from 'vitest';
import { forwarderDefaults, pf, put, remove } from './fixture-host.js';
import { useGuideHost } from './check-helpers.js';
import { defaultConfig, type Config } from '../../../src/model/config.js';
import type { PciAddress } from '../../../src/model/pci.js';

const host = useGuideHost();
const FILE = '/etc/default/virtioforwarder';

function withRelays(relays: Config['relays']): Config {
  return { ...defaultConfig(), relays };
}

describe('static-vfs', () => {
  it("passes on the guide host, listing the forwarder's own VFs", async () => {
    expect(await host.check('static-vfs')).toEqual({
      id: 'static-vfs',
      status: 'pass',
      evidence: `VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2) in ${FILE}: the forwarder's own, left alone by vfkeeper; no configured relay overlaps them`,
      fix: '',
    });
  });

  it('warns on each configured relay that claims a static VF or relay number, with both sides named', async () => {
    const config = withRelays([
      { virtioId: 1, vf: { pci: '0000:02:08.0' as PciAddress } },
      { virtioId: 5, vf: { pci: '0000:05:08.2' as PciAddress } },
      { virtioId: 6, vf: { pf: 'enp2s0np0', index: 1 } },
    ]);
    const r = await host.check('static-vfs', { config, pfs: [pf('sriov-2.1.14', 2)] });
    expect(r.status).toBe('warn');
    expect(r.evidence).toBe(
      `VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2) in ${FILE}; the configuration's relays overlap it: ` +
        'relays[0] (relay 1, VF 0000:02:08.0) and 0000:05:08.1=1; relays[1] (relay 5, VF 0000:05:08.2) and 0000:05:08.2=2; ' +
        'vfkeeper leaves these to the forwarder',
    );
    expect(r.fix).toBe(
      `take each out of one side: relays: in the vfkeeper configuration, or VIRTIOFWD_STATIC_VFS in ${FILE} (then systemctl restart virtio-forwarder)`,
    );
  });

  it('fails on a malformed list, naming the file and the value', async () => {
    await put(host.root, FILE, forwarderDefaults('').replace('(0000:05:08.1=1 0000:05:08.2=2)', '(0000:05:08.1:1)'));
    const r = await host.check('static-vfs');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(
      `${FILE}: VIRTIOFWD_STATIC_VFS="(0000:05:08.1:1)": "0000:05:08.1:1" is not <PCI address>=<relay number 0-59> (e.g. 0000:05:08.1=1); ` +
        'vfkeeper changes no relay until it can read the list',
    );
    expect(r.fix).toBe(
      `write it as VIRTIOFWD_STATIC_VFS=(0000:05:08.1=1 0000:05:08.2=2) on one line in ${FILE}, then systemctl restart virtio-forwarder`,
    );
  });

  it('passes with no list, or no file; reads forwarder.env_file', async () => {
    await put(host.root, FILE, 'VIRTIOFWD_IPC_PORT_CONTROL=y\n');
    expect(await host.check('static-vfs')).toMatchObject({
      status: 'pass',
      evidence: `no VIRTIOFWD_STATIC_VFS in ${FILE}: every relay is vfkeeper's to manage`,
    });
    await remove(host.root, FILE);
    expect(await host.check('static-vfs')).toMatchObject({
      status: 'pass',
      evidence: `${FILE} does not exist: the forwarder attaches no VF by itself`,
    });
    await put(host.root, '/etc/sysconfig/virtio-forwarder', 'VIRTIOFWD_STATIC_VFS=0000:05:08.1=3\n');
    const config = defaultConfig();
    config.forwarder.envFile = '/etc/sysconfig/virtio-forwarder';
    expect((await host.check('static-vfs', { config })).evidence).toMatch(
      /^VIRTIOFWD_STATIC_VFS=\(0000:05:08\.1=3\) in \/etc\/sysconfig\/virtio-forwarder:/,
    );
  });
});
