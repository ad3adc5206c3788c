// The Firmware port on a real file system: the links of the firmware
// directory under `root` (/ on a host, a temporary tree in tests).
import { applyFirmwareLink, readFirmwareTree } from '../firmware-links.js';
import type { Firmware } from '../types.js';

export function createRealFirmware(root = '/'): Firmware {
  return {
    readTree: (dir, flavour) => readFirmwareTree(dir, flavour, root),
    repointLink: (dir, name, target) => applyFirmwareLink(dir, name, target, root),
  };
}
