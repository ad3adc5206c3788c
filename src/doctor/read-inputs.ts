// Reads several checks share, each answering ok/value or the reason it could
// not: the observed PFs, the forwarder's /etc/default file, /etc/os-release.
import type { ObservedPf } from '../model/observed.js';
import type { Read } from '../host/root-files.js';
import { parseEnvFile, type EnvFile } from '../model/env-file.js';
import { messageOf, type DoctorContext } from './types.js';

/** The PFs the caller observed; not ok when none were given or observing failed. */
export async function readPfs(ctx: DoctorContext): Promise<Read<ObservedPf[]>> {
  if (ctx.readPfs === null) {
    const reason =
      ctx.root === '/' ? 'no PF observation was given to the doctor' : `PFs are only observed on the live host (root /, not ${ctx.root})`;
    return { ok: false, missing: true, reason };
  }
  try {
    return { ok: true, value: await ctx.readPfs() };
  } catch (e) {
    return { ok: false, missing: false, reason: `observing the PFs failed: ${messageOf(e)}` };
  }
}

/** A PF as people name it: "enp2s0np0 (0000:02:00.0)". */
export function pfName(pf: ObservedPf): string {
  return pf.netdev === null ? pf.pci : `${pf.netdev} (${pf.pci})`;
}

export async function readEnvFile(ctx: DoctorContext, path: string): Promise<Read<EnvFile>> {
  const text = await ctx.files.readText(path);
  return text.ok ? { ok: true, value: parseEnvFile(text.value) } : text;
}

export type Distro = 'debian' | 'rhel' | 'unknown';

export interface OsRelease {
  id: string;
  family: Distro;
}

/** ID and family from /etc/os-release (ID_LIKE counts: Ubuntu is Debian-like). */
export async function readOsRelease(ctx: DoctorContext): Promise<Read<OsRelease>> {
  const env = await readEnvFile(ctx, '/etc/os-release');
  if (!env.ok) return env;
  const id = (env.value.vars.get('ID') ?? '').toLowerCase();
  const like = `${id} ${(env.value.vars.get('ID_LIKE') ?? '').toLowerCase()}`.split(/\s+/);
  const family: Distro = like.some((w) => w === 'debian' || w === 'ubuntu')
    ? 'debian'
    : like.some((w) => ['rhel', 'fedora', 'centos'].includes(w))
      ? 'rhel'
      : 'unknown';
  return { ok: true, value: { id, family } };
}
