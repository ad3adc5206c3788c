// Link, MTU and VF MAC through iproute2; firmware and permanent MAC through
// ethtool. Argument vectors only: interface names are data, never shell.
import type { NetTools } from '../types.js';
import { runTool } from './run-tool.js';
import { parseEthtoolFirmware, parseEthtoolPermanentMac, parseIpVfMacs } from './parse-tools.js';

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
  };
}
