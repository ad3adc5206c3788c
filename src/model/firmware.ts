// ethtool's firmware-version for nfp is "<nsp> <mgmt> <app> <flavour>", e.g.
// "0.0.3.5 0.22 sriov-2.1.14 nic"; the application part says whether the
// NIC runs the SR-IOV build (sriov-2.1.x or later) or the plain nic one.

export function parseFirmwareApplication(version: string | null): string | null {
  if (version === null) return null;
  const parts = version.trim().split(/\s+/);
  const app = parts.find((p) => /^[a-z][a-z0-9_]*-\d+(\.\d+)*$/i.test(p));
  return app ?? null;
}

export function isSriovFirmware(app: string | null): boolean {
  return app !== null && /^sriov-/i.test(app);
}
