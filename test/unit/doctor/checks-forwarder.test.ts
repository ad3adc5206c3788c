import { chown } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/model/config.js';
import { APPARMOR_GUIDE_LINES, QEMU, forwarderDefaults, isRoot, link, put, remove } from './fixture-host.js';
import { useGuideHost } from './check-helpers.js';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';

const host = useGuideHost();

describe('apparmor', () => {
  it('fails on Ubuntu without the guide lines, and lists exactly the missing ones', async () => {
    await put(host.root, '/etc/apparmor.d/abstractions/libvirt-qemu', '/tmp/ r,\n/tmp/virtio-forwarder/** rwmix,\n');
    const r = await host.check('apparmor');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(
      '/etc/apparmor.d/abstractions/libvirt-qemu lacks "/usr/lib/x86_64-linux-gnu/qemu/* rmix,", ' +
        '"owner "/dev/hugepages/libvirt/qemu/**" rw,", "owner "/dev/hugepages-1G/libvirt/qemu/**" rw,", "/tmp/{,**} r,"',
    );
    expect(r.fix).toBe(
      [
        'add to the end of /etc/apparmor.d/abstractions/libvirt-qemu:',
        '  /usr/lib/x86_64-linux-gnu/qemu/* rmix,',
        '  owner "/dev/hugepages/libvirt/qemu/**" rw,',
        '  owner "/dev/hugepages-1G/libvirt/qemu/**" rw,',
        'edit the existing /tmp line of /etc/apparmor.d/abstractions/libvirt-qemu so that it reads:',
        '  /tmp/{,**} r,',
        'then: systemctl restart apparmor.service',
      ].join('\n'),
    );
  });

  it('counts the lines of the local/ override', async () => {
    await put(host.root, '/etc/apparmor.d/abstractions/libvirt-qemu', '/tmp/{,**} r,\n');
    await put(host.root, '/etc/apparmor.d/local/abstractions/libvirt-qemu', `${APPARMOR_GUIDE_LINES.join('\n')}\n`);
    expect((await host.check('apparmor')).status).toBe('pass');
  });

  it('skips on other distributions', async () => {
    await put(host.root, '/etc/os-release', 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nID_LIKE="fedora"\n');
    const r = await host.check('apparmor');
    expect(r).toMatchObject({ status: 'skip', evidence: expect.stringMatching(/^not Ubuntu \(ID=rhel in \/etc\/os-release\)/) });
  });
});

describe('forwarder-installed', () => {
  it('fails without the unit, with the apt commands on Ubuntu', async () => {
    await remove(host.root, '/lib/systemd/system/virtio-forwarder.service');
    const r = await host.check('forwarder-installed');
    expect(r.status).toBe('fail');
    expect(r.fix).toBe('add-apt-repository ppa:netronome/virtio-forwarder && apt-get update && apt-get install virtio-forwarder');
  });

  it('gives the yum commands on RHEL, and finds the unit in /usr/lib/systemd/system', async () => {
    await remove(host.root, '/lib/systemd/system/virtio-forwarder.service');
    await put(host.root, '/etc/os-release', 'ID="centos"\nID_LIKE="rhel fedora"\n');
    expect((await host.check('forwarder-installed')).fix).toBe(
      'yum install yum-plugin-copr && yum copr enable netronome/virtio-forwarder && yum install virtio-forwarder',
    );
    await put(host.root, '/usr/lib/systemd/system/virtio-forwarder.service', '[Service]\n');
    expect((await host.check('forwarder-installed')).evidence).toBe('/usr/lib/systemd/system/virtio-forwarder.service is there');
  });

  it('skips every forwarder check when the forwarder is disabled in the configuration', async () => {
    const config = defaultConfig();
    config.forwarder.enabled = false;
    await remove(host.root, '/lib/systemd/system/virtio-forwarder.service');
    for (const id of ['forwarder-installed', 'forwarder-service', 'forwarder-mode', 'forwarder-ipc', 'socket-dir'] as const) {
      expect(await host.check(id, { config })).toMatchObject({
        status: 'skip',
        evidence: 'forwarder.enabled is false in the configuration',
      });
    }
  });
});

describe('forwarder-service', () => {
  it('fails when not enabled', async () => {
    await remove(host.root, '/etc/systemd/system/multi-user.target.wants');
    const r = await host.check('forwarder-service');
    expect(r).toEqual({
      id: 'forwarder-service',
      status: 'fail',
      evidence: 'virtio-forwarder.service is not enabled (no link in /etc/systemd/system/*.wants/)',
      fix: 'systemctl enable virtio-forwarder && systemctl start virtio-forwarder',
    });
  });

  it('fails when enabled but not active', async () => {
    const r = await host.check('forwarder-service', { readUnitActiveState: () => Promise.resolve('failed') });
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe('enabled (/etc/systemd/system/multi-user.target.wants/virtio-forwarder.service), but failed');
    expect(r.fix).toBe('systemctl start virtio-forwarder (and see journalctl -fu virtio-forwarder)');
  });

  it('fails when masked', async () => {
    await link(host.root, '/etc/systemd/system/virtio-forwarder.service', '/dev/null');
    const r = await host.check('forwarder-service');
    expect(r).toMatchObject({ status: 'fail', fix: 'systemctl unmask virtio-forwarder && systemctl enable --now virtio-forwarder' });
  });

  it('skips, saying why, when systemctl cannot answer', async () => {
    const r = await host.check('forwarder-service', {
      readUnitActiveState: () => Promise.reject(new Error('System has not been booted with systemd')),
    });
    expect(r).toMatchObject({
      status: 'skip',
      evidence: expect.stringMatching(/systemctl is-active failed: System has not been booted with systemd$/),
    });
  });
});

describe('forwarder-mode', () => {
  it.each([
    ['VIRTIOFWD_VHOST_CLIENT=y', 'fail'],
    ['VIRTIOFWD_VHOST_CLIENT="yes" # client', 'fail'],
    ['VIRTIOFWD_VHOST_CLIENT=""', 'pass'],
    ["VIRTIOFWD_VHOST_CLIENT='' # server", 'pass'],
    ['#VIRTIOFWD_VHOST_CLIENT=y', 'pass'],
  ])('%s -> %s', async (line, status) => {
    await put(host.root, '/etc/default/virtioforwarder', `${forwarderDefaults('').replace('VIRTIOFWD_VHOST_CLIENT=', '#')}${line}\n`);
    const r = await host.check('forwarder-mode');
    expect(r.status).toBe(status);
    if (status === 'fail')
      expect(r.fix).toBe('set "VIRTIOFWD_VHOST_CLIENT=" (blank) in /etc/default/virtioforwarder, then systemctl restart virtio-forwarder');
  });
});

describe('forwarder-ipc', () => {
  it('fails when port control is not on IPC', async () => {
    await put(
      host.root,
      '/etc/default/virtioforwarder',
      forwarderDefaults('').replace('VIRTIOFWD_IPC_PORT_CONTROL=y', 'VIRTIOFWD_IPC_PORT_CONTROL='),
    );
    const r = await host.check('forwarder-ipc');
    expect(r).toEqual({
      id: 'forwarder-ipc',
      status: 'fail',
      evidence: 'VIRTIOFWD_IPC_PORT_CONTROL is blank in /etc/default/virtioforwarder: port control goes through OVSDB',
      fix: 'set VIRTIOFWD_IPC_PORT_CONTROL=y in /etc/default/virtioforwarder, then systemctl restart virtio-forwarder',
    });
  });

  it('fails when the endpoint does not answer, with the probe error', async () => {
    const probe = (): Promise<unknown> => Promise.reject(new Error('ERR_FORWARDER_TIMEOUT: no reply within 2000 ms'));
    const r = await host.check('forwarder-ipc', { probeForwarder: probe });
    expect(r.status).toBe('fail');
    expect(r.evidence).toMatch(
      /ipc:\/\/\/var\/run\/virtio-forwarder\/port_control does not answer: ERR_FORWARDER_TIMEOUT: no reply within 2000 ms$/,
    );
    expect(r.fix).toBe('systemctl start virtio-forwarder (and see journalctl -fu virtio-forwarder)');
  });

  it('fails when the forwarder listens elsewhere than vfkeeper is configured for', async () => {
    await put(
      host.root,
      '/etc/default/virtioforwarder',
      forwarderDefaults('').replace('ipc:///var/run/virtio-forwarder/port_control', 'ipc:///run/vio/pc'),
    );
    const r = await host.check('forwarder-ipc');
    expect(r).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/^the forwarder listens on ipc:\/\/\/run\/vio\/pc/) });
  });
});

describe('socket-dir', () => {
  it('fails when the directory is absent', async () => {
    await remove(host.root, '/tmp/virtio-forwarder');
    const r = await host.check('socket-dir');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe('/tmp/virtio-forwarder does not exist (the forwarder makes it when it starts in server mode)');
    expect(r.fix).toMatch(/chown -R libvirt-qemu:kvm \/tmp\/virtio-forwarder\//);
  });

  it.skipIf(skipWhenMissing(isRoot))('fails when a socket belongs to host.root, with the guide chown', async () => {
    assertPresent(isRoot, 'root');
    await chown(join(host.root, '/tmp/virtio-forwarder/virtio-forwarder1.sock'), 0, 0);
    const r = await host.check('socket-dir');
    expect(r.status).toBe('fail');
    expect(r.evidence).toBe(
      `/tmp/virtio-forwarder/virtio-forwarder1.sock is owned by 0:0; want libvirt-qemu:kvm (${QEMU.uid}:${QEMU.gid})`,
    );
    expect(r.fix).toBe("chown -R libvirt-qemu:kvm /tmp/virtio-forwarder/ (vfkeeper's daemon then keeps new sockets so)");
  });

  it('fails when the owner does not exist on the host', async () => {
    await put(host.root, '/etc/group', 'root:x:0:\n');
    const r = await host.check('socket-dir');
    expect(r).toMatchObject({
      status: 'fail',
      evidence: 'the socket owner libvirt-qemu:kvm cannot be resolved: group kvm does not exist (/etc/group)',
    });
  });

  it('fails when the forwarder puts its sockets elsewhere', async () => {
    await put(
      host.root,
      '/etc/default/virtioforwarder',
      forwarderDefaults('').replace('VIRTIOFWD_SOCKET_DIR=/tmp/virtio-forwarder', 'VIRTIOFWD_SOCKET_DIR=/run/vio'),
    );
    const r = await host.check('socket-dir');
    expect(r).toMatchObject({ status: 'fail', fix: 'set forwarder.socket_dir: /run/vio in /etc/vfkeeper/vfkeeper.yaml' });
  });

  it('uses the resolver it is given', async () => {
    const r = await host.check('socket-dir', { resolveOwner: () => Promise.resolve({ uid: 4242, gid: 4242 }) });
    expect(r).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(/^\/tmp\/virtio-forwarder is owned by \d+:\d+, .*want libvirt-qemu:kvm \(4242:4242\)$/),
    });
  });
});
