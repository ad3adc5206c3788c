// Link, MTU and VF MAC through iproute2; firmware and permanent MAC through
// ethtool. Argument vectors only: interface names are data, never shell.
import { access, readFile } from 'node:fs/promises';
import { ifAbsent } from '../../model/errno.js';
import type { NetTools } from '../types.js';
import { runTool } from './run-tool.js';
import { parseEthtoolFirmware, parseEthtoolPermanentMac, parseIpVfMacs } from './parse-tools.js';

/** udev's runtime directory, where it keeps one database entry per device it has processed. */
export const UDEV_RUN_DIR = '/run/udev';

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
    async readVfMacs(pfNetdev) {
      const { stdout } = await runTool('ip', ['-j', 'link', 'show', 'dev', pfNetdev]);
      return parseIpVfMacs(stdout);
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
      return ifAbsent(async () => (await access(`${udevDir}/data/n${ifindex}`), true), false);
    },
  };
}
