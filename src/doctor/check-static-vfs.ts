// static-vfs: the forwarder's own VFs (VIRTIOFWD_STATIC_VFS in its
// environment file) can be read, and no relay of vfkeeper's configuration
// claims one of them or one of their relay numbers: vfkeeper leaves those to
// the forwarder, so such a configured relay never comes up.
import type { Config, RelayRule } from '../model/config.js';
import type { ObservedPf } from '../model/observed.js';
import { vfAddress, type PciAddress } from '../model/pci.js';
import { formatStaticVfs, parseStaticVfsOf, STATIC_VFS_KEY, type StaticVf } from '../model/static-vfs.js';
import { disabledInConfig, shortUnit } from './check-forwarder-unit.js';
import { readEnvFile, readPfs } from './read-inputs.js';
import { fail, pass, skip, warn, type Check, type DoctorContext } from './types.js';

const ID = 'static-vfs';

/** The VF a configured relay names, when it can be told (a pf/index reference needs the PFs observed). */
function relayVf(rule: RelayRule, pfs: readonly ObservedPf[]): PciAddress | null {
  if ('pci' in rule.vf) return rule.vf.pci;
  const ref = rule.vf;
  const pf = pfs.find((p) => p.netdev === ref.pf || p.pci === ref.pf);
  return pf === undefined ? null : vfAddress(pf.pci, pf.vfOffset, pf.vfStride, ref.index);
}

function findOverlaps(config: Config, statics: readonly StaticVf[], pfs: readonly ObservedPf[]): string[] {
  if (!Array.isArray(config.relays)) return [];
  return config.relays.flatMap((rule, i) => {
    const vf = relayVf(rule, pfs);
    const hit = statics.find((s) => s.virtioId === rule.virtioId || (vf !== null && s.pci === vf));
    return hit === undefined ? [] : [`relays[${i}] (relay ${rule.virtioId}, VF ${vf ?? 'unknown'}) and ${hit.pci}=${hit.virtioId}`];
  });
}

export const checkStaticVfs: Check = async (ctx) => {
  const off = disabledInConfig(ctx, ID);
  if (off) return off;
  const file = ctx.config.forwarder.envFile;
  const env = await readEnvFile(ctx, file);
  if (!env.ok) return env.missing ? pass(ID, `${file} does not exist: the forwarder attaches no VF by itself`) : skip(ID, env.reason);
  const parsed = parseStaticVfsOf(env.value);
  if (!parsed.ok) {
    return fail(
      ID,
      `${file}: ${parsed.error}; vfkeeper changes no relay until it can read the list`,
      `write it as ${STATIC_VFS_KEY}=(0000:05:08.1=1 0000:05:08.2=2) on one line in ${file}, then systemctl restart ${shortUnit(ctx.config.forwarder.unit)}`,
    );
  }
  if (parsed.entries.length === 0) return pass(ID, `no ${STATIC_VFS_KEY} in ${file}: every relay is vfkeeper's to manage`);
  const listed = `${STATIC_VFS_KEY}=(${formatStaticVfs(parsed.entries)}) in ${file}`;
  const overlaps = findOverlaps(ctx.config, parsed.entries, await observedPfs(ctx));
  if (overlaps.length > 0) {
    return warn(
      ID,
      `${listed}; the configuration's relays overlap it: ${overlaps.join('; ')}; vfkeeper leaves these to the forwarder`,
      `take each out of one side: relays: in the vfkeeper configuration, or ${STATIC_VFS_KEY} in ${file} (then systemctl restart ${shortUnit(ctx.config.forwarder.unit)})`,
    );
  }
  return pass(ID, `${listed}: the forwarder's own, left alone by vfkeeper; no configured relay overlaps them`);
};

async function observedPfs(ctx: DoctorContext): Promise<ObservedPf[]> {
  const pfs = await readPfs(ctx);
  return pfs.ok ? pfs.value : [];
}
