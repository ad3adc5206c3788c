// Small typed reads of device attributes over the Sysfs port, shared by
// observe (core) and the executors (actions).
import { HostError } from '../host/host-error.js';
import type { Host } from '../host/types.js';

export const basename = (link: string): string => link.slice(link.lastIndexOf('/') + 1);

export async function optional<T>(read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch {
    return fallback;
  }
}

export async function readInt(host: Host, path: string): Promise<number> {
  const text = (await host.sysfs.read(path)).trim();
  const n = text.startsWith('0x') ? parseInt(text, 16) : Number(text);
  if (!Number.isFinite(n)) throw new HostError('ERR_SYSFS_PARSE', `${path} holds "${text}", not a number`, { path });
  return n;
}

export async function readDriver(host: Host, pci: string): Promise<string | null> {
  return optional(async () => basename(await host.sysfs.readLink(`bus/pci/devices/${pci}/driver`)), null);
}

export async function readNetdev(host: Host, pci: string): Promise<string | null> {
  return optional(async () => (await host.sysfs.list(`bus/pci/devices/${pci}/net`))[0] ?? null, null);
}

