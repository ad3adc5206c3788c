// Link, MTU and VF MAC and settings through iproute2; firmware and permanent
// MAC through ethtool. Argument vectors only: interface names are data, never shell.
import { HostError } from '../host-error.js';
import type { NetTools } from '../types.js';
import { runTool } from './run-tool.js';
import { parseEthtoolFirmware, parseEthtoolPermanentMac } from './parse-tools.js';
import { parseIpVfInfo } from './parse-vf-info.js';
import { isUnsupportedErrno, rtnetlinkErrno, vfSettingArgs } from './vf-setting-args.js';
import { formatVfSetting } from '../../model/vf-settings.js';

export function createRealNetTools(): NetTools {
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
  };
}
