import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../src/config/load-config.js';
import { mergeConfig } from '../../../src/config/merge-config.js';
import { tempDir, type TempDir } from '../../helpers/temp.js';

let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

describe('loadConfig', () => {
  it('with no file, is the embedded default: every Netronome PF, all VFs on vfio-pci, relays auto', async () => {
    await expect(loadConfig(join(t.dir, 'absent.yaml'))).rejects.toMatchObject({
      code: 'ERR_CONFIG',
      message: expect.stringContaining('does not exist'),
    });
    writeFileSync(t.path('vfkeeper.yaml'), '');
    const d = await loadConfig(t.path('vfkeeper.yaml'));
    expect(d.pfs).toEqual([
      {
        match: { vendor: 0x19ee },
        vfs: 'max',
        mtu: null,
        firmware: 'sriov',
        vfDriver: 'vfio-pci',
        vfMacs: 'derive',
        vfSettings: {},
        vfOverrides: {},
        origin: 'the built-in rule',
      },
    ]);
    expect(d.relays).toBe('auto');
    expect(d.forwarder.socketOwner).toBe('libvirt-qemu:kvm');
  });

  it('merges conf.d/*.yaml in name order: PF rules add up, sections merge key by key, relays are replaced', async () => {
    writeFileSync(
      t.path('vfkeeper.yaml'),
      'pfs:\n  - match: { netdev: enp2s0np0 }\n    mtu: 9216\nforwarder: { socket_dir: /srv/vf }\nrelays: auto\n',
    );
    mkdirSync(t.path('conf.d'));
    writeFileSync(t.path('conf.d/20-b.yaml'), 'relays:\n  - { virtio_id: 2, vf: { pci: "02:08.1" } }\n');
    writeFileSync(
      t.path('conf.d/10-a.yaml'),
      'pfs:\n  - match: { id: "1b36:0010" }\n    firmware: any\n    vfs: 4\nforwarder: { socket_owner: "qemu:kvm" }\n',
    );
    writeFileSync(t.path('conf.d/README'), 'not yaml: [');
    const c = await loadConfig(t.path('vfkeeper.yaml'));
    expect(c.pfs.map((p) => p.match)).toEqual([{ netdev: 'enp2s0np0' }, { vendor: 0x1b36, device: 0x0010 }]);
    expect(c.pfs[0]?.mtu).toBe(9216);
    expect(c.forwarder).toMatchObject({ socketDir: '/srv/vf', socketOwner: 'qemu:kvm' });
    expect(c.relays).toEqual([{ virtioId: 2, vf: { pci: '0000:02:08.1' } }]);
    expect(c.sources).toEqual([t.path('vfkeeper.yaml'), t.path('conf.d/10-a.yaml'), t.path('conf.d/20-b.yaml')]);
  });
});

describe('configuration errors name the file, the place and the expectation', () => {
  const messageOf = (text: string): string => {
    try {
      mergeConfig([parseConfigText('/etc/vfkeeper/x.yaml', text)]);
      return 'no error';
    } catch (e) {
      return (e as Error).message;
    }
  };
  it.each([
    ['pfs:\n  - match: {}\n', 'pfs[0].match', 'exactly one of netdev, pci or id'],
    ['pfs:\n  - match: { pci: "2:8.0" }\n', 'pfs[0].match.pci', 'PCI address'],
    ['pfs:\n  - match: { netdev: x }\n    vf_macs: [nope]\n', 'pfs[0].vf_macs[0]', 'MAC address'],
    ['pfs:\n  - match: { netdev: x }\n    vfs: 2\n    vf_macs: ["02:00:00:00:00:01"]\n', 'pfs[0].vf_macs', 'at least 2 MAC addresses'],
    ['relays:\n  - { virtio_id: 0, vf: { pci: "02:08.0" } }\n', 'relays[0].virtio_id', 'relay number from 1 to 59'],
    [
      'relays:\n  - { virtio_id: 1, vf: { pci: "02:08.0" } }\n  - { virtio_id: 1, vf: { pci: "02:08.1" } }\n',
      'relays[1].virtio_id',
      'unique relay number',
    ],
    ['firmware: { guard: maybe }\n', 'firmware.guard', '"warn", "fix" or "off"'],
    ['forwarder: { socket_owner: root }\n', 'forwarder.socket_owner', '"user:group"'],
    ['- just\n- a list\n', '(top level)', 'expected object'],
  ])('%j', (text, at, expected) => {
    const message = messageOf(text);
    expect(message).toContain(`/etc/vfkeeper/x.yaml: ${at}: `);
    expect(message).toContain(expected);
  });
});
