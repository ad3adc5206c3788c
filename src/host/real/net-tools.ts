// Link, MTU and VF MAC and settings through iproute2; firmware and permanent
// MAC through ethtool. Argument vectors only: interface names are data, never shell.
import { access, readFile } from 'node:fs/promises';
import { ifAbsent } from '../../model/errno.js';
import { HostError } from '../host-error.js';
import type { NetTools } from '../types.js';
import { runTool } from './run-tool.js';
import { parseEthtoolFirmware, parseEthtoolPermanentMac } from './parse-tools.js';
import { parseIpVfInfo } from './parse-vf-info.js';
import { isUnsupportedErrno, rtnetlinkErrno, vfSettingArgs } from './vf-setting-args.js';
import { formatVfSetting } from '../../model/vf-settings.js';

/** udev's runtime directory, where it keeps one database entry per device it has processed. */
export const UDEV_RUN_DIR = '/run/udev';

/**
 * udev writes an interface's database entry with ID_RENAMING=1 just before
 * it renames the interface (eth0 -> enp1s0), and drops it when it handles
 * the rename's `move` event (systemd since v243; networkd waits for the
 * same mark). Until then the entry exists but the name is the kernel's, and
 * setting the link up in that window makes the rename fail: the interface
 * would keep eth0 for good. The `move` event wakes the next run.
 */
export function isRenaming(entry: string): boolean {
  return /^E:ID_RENAMING=1$/m.test(entry);
}

/**
 * `udevDir` null: no udev looks after these interfaces (a sysfs tree under
 * --sysfs-root), so none is ever waited for.
 */
export function createRealNetTools(options: { udevDir: string | null } = { udevDir: UDEV_RUN_DIR }): NetTools {
  const { udevDir } = options;
  return {
    async setLinkUp(netdev) {
      await runTool('ip', ['link', 'set', 'dev', netdev, 'up']);
    },
    async setMtu(netdev, mtu) {
      await runTool('ip', ['link', 'set', 'dev', netdev, 'mtu', String(mtu)]);
    },
    async setVfMac(pfNetdev, index, mac) {
      await runTool('ip', ['link', 'set', 'dev', pfNetdev, 'vf', String(index), 'mac', mac]);
    },
    async setVfSetting(pfNetdev, index, change) {
      try {
        await runTool('ip', vfSettingArgs(pfNetdev, index, change));
      } catch (e) {
        if (!(e instanceof HostError)) throw e;
        const errno = rtnetlinkErrno(e.message);
        if (errno === null) throw e;
        const code = isUnsupportedErrno(errno) ? 'ERR_VF_SETTING_UNSUPPORTED' : 'ERR_TOOL_FAILED';
        throw new HostError(code, `${pfNetdev} refused ${formatVfSetting(change)} for VF ${index}: ${e.message}`, {
          netdev: pfNetdev,
          errno,
          cause: e,
        });
      }
    },
    async readVfInfo(pfNetdev) {
      const { stdout } = await runTool('ip', ['-j', '-d', 'link', 'show', 'dev', pfNetdev]);
      return parseIpVfInfo(stdout, pfNetdev);
    },
    async readFirmwareVersion(netdev) {
      const { stdout } = await runTool('ethtool', ['-i', netdev]);
      return parseEthtoolFirmware(stdout);
    },
    async readPermanentMac(netdev) {
      const { stdout } = await runTool('ethtool', ['-P', netdev]);
      return parseEthtoolPermanentMac(stdout);
    },
    async isUdevDone(netdev) {
      if (udevDir === null) return true;
      // No udev running (a container, early boot): nothing will rename it.
      if (!(await ifAbsent(async () => (await access(`${udevDir}/control`), true), false))) return true;
      const ifindex = await ifAbsent(async () => (await readFile(`/sys/class/net/${netdev}/ifindex`, 'utf8')).trim(), null);
      if (ifindex === null || !/^\d+$/.test(ifindex)) return false;
      const entry = await ifAbsent(() => readFile(`${udevDir}/data/n${ifindex}`, 'utf8'), null);
      return entry !== null && !isRenaming(entry);
    },
  };
}
