// socket-dir: the forwarder's vhost-user socket directory, and every socket
// in it, owned by the configured user:group (libvirt-qemu:kvm by default),
// so QEMU can connect; and it is the directory the forwarder really uses.
import type { FileOwner } from '../host/types.js';
import { disabledInConfig } from './check-forwarder-unit.js';
import { readEnvFile } from './read-inputs.js';
import { fail, messageOf, pass, skip, type Check, type CheckResult, type DoctorContext } from './types.js';

const ID = 'socket-dir';

function chownFix(ctx: DoctorContext): string {
  const { socketDir, socketOwner } = ctx.config.forwarder;
  return `chown -R ${socketOwner} ${socketDir.replace(/\/$/, '')}/ (vfkeeper's daemon then keeps new sockets so)`;
}

/** The forwarder's own VIRTIOFWD_SOCKET_DIR, when it disagrees with the configuration. */
async function judgeForwarderDir(ctx: DoctorContext): Promise<CheckResult | null> {
  const env = await readEnvFile(ctx, ctx.config.forwarder.envFile);
  const theirs = env.ok ? (env.value.vars.get('VIRTIOFWD_SOCKET_DIR') ?? '') : '';
  const ours = ctx.config.forwarder.socketDir;
  if (theirs === '' || theirs.replace(/\/$/, '') === ours.replace(/\/$/, '')) return null;
  return fail(
    ID,
    `the forwarder puts its sockets in ${theirs} (VIRTIOFWD_SOCKET_DIR) but vfkeeper is configured for ${ours}`,
    `set forwarder.socket_dir: ${theirs} in /etc/vfkeeper/vfkeeper.yaml`,
  );
}

/** "name owned by uid:gid" for the directory and each entry not owned as wanted. */
async function readWrongOwners(ctx: DoctorContext, want: FileOwner): Promise<string[]> {
  const dir = ctx.config.forwarder.socketDir.replace(/\/$/, '');
  const entries = await ctx.files.list(dir);
  const paths = [dir, ...(entries.ok ? entries.value.map((e) => `${dir}/${e}`) : [])];
  const wrong: string[] = [];
  for (const path of paths) {
    const info = await ctx.files.info(path);
    if (info.ok && (info.value.uid !== want.uid || info.value.gid !== want.gid)) {
      wrong.push(`${path} is owned by ${info.value.uid}:${info.value.gid}`);
    }
  }
  return wrong;
}

export const checkSocketDir: Check = async (ctx) => {
  const off = disabledInConfig(ctx, ID);
  if (off) return off;
  const { socketDir, socketOwner, unit } = ctx.config.forwarder;
  const elsewhere = await judgeForwarderDir(ctx);
  if (elsewhere) return elsewhere;
  let want: FileOwner;
  try {
    want = await ctx.resolveOwner(socketOwner);
  } catch (e) {
    const fix = 'install libvirt (it creates the QEMU user), or set forwarder.socket_owner in /etc/vfkeeper/vfkeeper.yaml';
    return fail(ID, `the socket owner ${socketOwner} cannot be resolved: ${messageOf(e)}`, fix);
  }
  const info = await ctx.files.info(socketDir);
  if (!info.ok && info.missing) {
    const fix = `systemctl start ${unit.replace(/\.service$/, '')}, then ${chownFix(ctx)}`;
    return fail(ID, `${info.reason} (the forwarder makes it when it starts in server mode)`, fix);
  }
  if (!info.ok) return skip(ID, info.reason);
  if (info.value.kind !== 'dir') return fail(ID, `${socketDir} is not a directory`, `rm ${socketDir}, then restart the forwarder`);
  const wrong = await readWrongOwners(ctx, want);
  const wanted = `want ${socketOwner} (${want.uid}:${want.gid})`;
  if (wrong.length === 0) return pass(ID, `${socketDir} and its entries are owned by ${socketOwner} (${want.uid}:${want.gid})`);
  const shown = wrong.length > 3 ? [...wrong.slice(0, 3), `${wrong.length - 3} more`] : wrong;
  return fail(ID, `${shown.join(', ')}; ${wanted}`, chownFix(ctx));
};
