// The rules against the real udev of this machine: parsed by its rule
// parser (`udevadm verify` where this udev has it, else `udevadm test`) and
// matched against real devices. `udevadm test` runs in a private mount
// namespace with only our rules file and a fresh /run, so the host's rules
// directories and udev database stay untouched; it only reads /sys.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, defaultPfRule } from '../../../src/model/config.js';
import { parsePciAddress } from '../../../src/model/pci.js';
import { formatUdevRules, UDEV_RULES_NAME } from '../../../src/packaging/udev-rules.js';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';

const run = promisify(execFile);
const SHIPPED = new URL('../../../udev-rules/70-vfkeeper.rules', import.meta.url).pathname;

async function works(file: string, args: string[]): Promise<boolean> {
  return run(file, args).then(
    () => true,
    () => false,
  );
}

const hasUdevadm = await works('udevadm', ['--version']);
const hasVerify = hasUdevadm && (await works('udevadm', ['verify', '--help']));
const canUnshare = process.getuid?.() === 0 && (await works('unshare', ['-m', 'true']));
// Read only: a real PCI device and the loopback netdev to match rules against.
// Nothing is written under the real /sys: the rules tested assign only ENV
// and TAG (no ATTR, no RUN), `udevadm test` runs in a private mount
// namespace whose rules directories and /run are fresh tmpfs, and its
// database goes there.
const pciDevices = (() => {
  try {
    return readdirSync('/sys/bus/pci/devices');
  } catch {
    return [];
  }
})();
const firstPci = pciDevices[0];
const pciSyspath = `/sys/bus/pci/devices/${firstPci ?? ''}`;
const udevVersion = hasUdevadm ? (await run('udevadm', ['--version'])).stdout.trim() : 'none';
const whyNoVerify = hasVerify ? '' : ` (skipped: udevadm verify came in udev 253, this udev is ${udevVersion})`;
const canTest = hasUdevadm && canUnshare && firstPci !== undefined;
const whyNoTest = canTest ? '' : ' (skipped: needs udevadm, root for unshare -m, and a PCI device)';

const UDEVADM_TEST = `set -e
mount -t tmpfs vfkeeper-test /etc/udev/rules.d
mount -t tmpfs vfkeeper-test /usr/lib/udev/rules.d
mount -t tmpfs vfkeeper-test /run
cp "$1" "/etc/udev/rules.d/$2"
udevadm test --action="$3" "$4" 2>&1`;

/** udevadm test's report for one device and action, with only `rules` loaded. */
async function udevadmTest(rules: string, action: string, syspath: string): Promise<string> {
  const file = join(dir, 'rules');
  await writeFile(file, rules);
  const args = ['-m', '--propagation', 'private', 'sh', '-c', UDEVADM_TEST, 'sh', file, UDEV_RULES_NAME, action, syspath];
  const { stdout } = await run('unshare', args);
  return stdout;
}

function problems(report: string): string[] {
  return report.split('\n').filter((l) => l.includes(`${UDEV_RULES_NAME}:`));
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vfkeeper-udev-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("udev rules on this machine's udev", () => {
  it.skipIf(!hasVerify)(`pass udevadm verify${whyNoVerify}`, async () => {
    const file = join(dir, UDEV_RULES_NAME);
    await writeFile(file, formatUdevRules(defaultConfig()));
    await run('udevadm', ['verify', '--resolve-names=never', SHIPPED, file]);
  });

  it.skipIf(skipWhenMissing(canTest))(
    `parse without a complaint from udevadm test, and leave a device of another vendor alone${whyNoTest}`,
    async () => {
      assertPresent(canTest, 'udevadm, root for unshare -m, or a PCI device');
      const report = await udevadmTest(formatUdevRules(defaultConfig()), 'add', pciSyspath);
      expect(report).toContain('Reading rules file: /etc/udev/rules.d/70-vfkeeper.rules');
      expect(problems(report)).toEqual([]);
      expect(report).not.toContain('SYSTEMD_WANTS=');
    },
  );

  it.skipIf(skipWhenMissing(canTest))(
    `pull vfkeeper.service in for a PF matched by its PCI address, tagged for systemd${whyNoTest}`,
    async () => {
      assertPresent(canTest, 'udevadm, root for unshare -m, or a PCI device');
      const config = { ...defaultConfig(), pfs: [defaultPfRule({ pci: parsePciAddress(firstPci ?? '') })] };
      const report = await udevadmTest(formatUdevRules(config), 'add', pciSyspath);
      expect(problems(report)).toEqual([]);
      expect(report).toMatch(/^SYSTEMD_WANTS=vfkeeper\.service$/m);
      expect(report).toMatch(/^CURRENT_TAGS=.*:systemd:/m);
    },
  );

  it.skipIf(skipWhenMissing(canTest))(
    `pull vfkeeper.service in for a PF matched by its netdev name, on the move after a rename${whyNoTest}`,
    async () => {
      assertPresent(canTest, 'udevadm, root for unshare -m, or a PCI device');
      const config = { ...defaultConfig(), pfs: [defaultPfRule({ netdev: 'lo' })] };
      const report = await udevadmTest(formatUdevRules(config), 'move', '/sys/class/net/lo');
      expect(problems(report)).toEqual([]);
      expect(report).toMatch(/^SYSTEMD_WANTS=vfkeeper\.service$/m);
    },
  );

  it.skipIf(skipWhenMissing(canTest))(`leave every device alone on remove${whyNoTest}`, async () => {
    assertPresent(canTest, 'udevadm, root for unshare -m, or a PCI device');
    const config = { ...defaultConfig(), pfs: [defaultPfRule({ pci: parsePciAddress(firstPci ?? '') })] };
    const report = await udevadmTest(formatUdevRules(config), 'remove', pciSyspath);
    expect(report).not.toContain('SYSTEMD_WANTS=');
  });

  it.skipIf(skipWhenMissing(canTest))(`would say so if udevadm test found a broken rule${whyNoTest}`, async () => {
    assertPresent(canTest, 'udevadm, root for unshare -m, or a PCI device');
    const report = await udevadmTest('SUBSYSTEM=="pci", NOSUCHKEY=="x", ENV{A}="1"\n', 'add', pciSyspath);
    expect(problems(report)).not.toEqual([]);
  });
});
