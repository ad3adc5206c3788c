// Parsers for the output of ethtool: pure, tested on recorded output (ip's
// report of the VFs: parse-vf-info.ts).

/** `ethtool -i` -> the firmware-version value, e.g. "0.0.3.5 0.22 sriov-2.1.14 nic". */
export function parseEthtoolFirmware(text: string): string | null {
  const m = /^firmware-version:\s*(.*)$/m.exec(text);
  const v = m?.[1]?.trim();
  return v ? v : null;
}

/** `ethtool -P` -> "Permanent address: 00:15:4d:13:0c:9e". */
export function parseEthtoolPermanentMac(text: string): string | null {
  const m = /Permanent address:\s*([0-9a-f]{2}(:[0-9a-f]{2}){5})/i.exec(text);
  const mac = m?.[1]?.toLowerCase();
  return mac && mac !== '00:00:00:00:00:00' ? mac : null;
}
