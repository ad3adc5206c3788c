// units/vfkeeper.service as systemd itself judges it: the exposure figure of
// `systemd-analyze security --offline=true` (4.0 or less), and the exceptions
// to the hardening each carrying its reason.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseExposure } from './systemd-analyze.js';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';

const run = promisify(execFile);
const UNIT = new URL('../../../units/vfkeeper.service', import.meta.url).pathname;
const text = readFileSync(UNIT, 'utf8');
const hasAnalyze = await run('systemd-analyze', ['--version']).then(
  () => true,
  () => false,
);

/** The comment lines right above a setting. */
function commentAbove(setting: string): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(setting));
  const comments: string[] = [];
  for (let i = at - 1; i >= 0 && (lines[i] ?? '').startsWith('#'); i--) comments.unshift(lines[i] ?? '');
  return comments.join('\n');
}

describe('units/vfkeeper.service', () => {
  it.skipIf(skipWhenMissing(hasAnalyze))('has an overall exposure of 4.0 or less by systemd-analyze security', async () => {
    assertPresent(hasAnalyze, 'systemd-analyze (Debian: systemd)');
    const { stdout } = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', UNIT]);
    const exposure = parseExposure(stdout);
    expect(exposure).toBeLessThanOrEqual(4.0);
    expect(exposure).toBeGreaterThan(0);
  });

  it.each([
    'PrivateTmp=no',
    'PrivateDevices=no',
    'PrivateNetwork=no',
    'PrivateUsers=no',
    'ProtectKernelTunables=no',
    'ProtectKernelModules=no',
    'MemoryDenyWriteExecute=no',
    'ReadWritePaths=/tmp',
    'UMask=0022',
    'CapabilityBoundingSet=CAP_NET_ADMIN',
    'CapabilityBoundingSet=CAP_CHOWN',
    'CapabilityBoundingSet=CAP_SYS_MODULE',
    'CapabilityBoundingSet=CAP_DAC_READ_SEARCH',
    'CapabilityBoundingSet=CAP_SYS_PTRACE',
  ])('says why right above %s', (setting) => {
    expect(text.split('\n')).toContain(setting);
    expect(commentAbove(setting)).not.toBe('');
  });

  it('is a notify service run by the installed binary, started before the forwarder', () => {
    for (const line of [
      'Type=notify',
      'NotifyAccess=main',
      'ExecStart=/usr/bin/vfkeeper daemon',
      'ExecReload=/bin/kill -HUP $MAINPID',
      'Restart=on-failure',
      'After=systemd-udevd.service',
      'Before=virtio-forwarder.service libvirtd.service',
      'WantedBy=multi-user.target',
      'RuntimeDirectory=vfkeeper',
      'StateDirectory=vfkeeper',
      'RestrictAddressFamilies=AF_UNIX AF_NETLINK',
      'SystemCallFilter=@system-service @module',
      'Environment=VFKEEPER_ALLOW_REAL_SYSFS=1',
    ]) {
      expect(text.split('\n')).toContain(line);
    }
  });
});
