// Parsers for the output of ip and ethtool: pure, tested on recorded output.

/** `ip -j link show dev PF` -> VF index -> MAC (vfinfo_list). */
export function parseIpVfMacs(json: string): Map<number, string> {
  const macs = new Map<number, string>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return macs;
  }
  const link = Array.isArray(parsed) ? (parsed[0] as Record<string, unknown> | undefined) : undefined;
  const list = link?.['vfinfo_list'];
  if (!Array.isArray(list)) return macs;
  for (const vf of list as Array<Record<string, unknown>>) {
    const index = vf['vf'];
    const mac = vf['address'] ?? vf['mac'];
    if (typeof index === 'number' && typeof mac === 'string') macs.set(index, mac.toLowerCase());
  }
  return macs;
}

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
