// forwarder-installed: virtio-forwarder's unit file is on the host.
// forwarder-service: it is enabled (a link in some *.wants/ directory of
// /etc/systemd/system) and active (only checkable on the live host).
import { readOsRelease } from './read-inputs.js';
import { fail, messageOf, pass, skip, type Check, type CheckResult, type DoctorContext } from './types.js';

export const UNIT_DIRS = ['/etc/systemd/system', '/usr/local/lib/systemd/system', '/usr/lib/systemd/system', '/lib/systemd/system'];

const APT = 'add-apt-repository ppa:netronome/virtio-forwarder && apt-get update && apt-get install virtio-forwarder';
const YUM = 'yum install yum-plugin-copr && yum copr enable netronome/virtio-forwarder && yum install virtio-forwarder';

/** "virtio-forwarder.service" -> "virtio-forwarder", as systemctl takes it. */
export function shortUnit(unit: string): string {
  return unit.replace(/\.service$/, '');
}

export function disabledInConfig(ctx: DoctorContext, id: CheckResult['id']): CheckResult | null {
  return ctx.config.forwarder.enabled ? null : skip(id, 'forwarder.enabled is false in the configuration');
}

/** Where the unit file is, or null. */
export async function findUnitFile(ctx: DoctorContext): Promise<string | null> {
  for (const dir of UNIT_DIRS) {
    const path = `${dir}/${ctx.config.forwarder.unit}`;
    const info = await ctx.files.info(path);
    if (info.ok && info.value.kind !== 'dir') return path;
  }
  return null;
}

export const checkForwarderInstalled: Check = async (ctx) => {
  const off = disabledInConfig(ctx, 'forwarder-installed');
  if (off) return off;
  const found = await findUnitFile(ctx);
  if (found !== null) return pass('forwarder-installed', `${found} is there`);
  const os = await readOsRelease(ctx);
  const family = os.ok ? os.value.family : 'unknown';
  const fix = family === 'debian' ? APT : family === 'rhel' ? YUM : `Debian / Ubuntu: ${APT}; RHEL / Fedora / CentOS: ${YUM}`;
  return fail('forwarder-installed', `no ${ctx.config.forwarder.unit} in ${UNIT_DIRS.join(', ')}`, fix);
};

/** The *.wants / *.requires directories that hold a link to the unit. */
async function readEnablingLinks(ctx: DoctorContext): Promise<string[]> {
  const etc = await ctx.files.list('/etc/systemd/system');
  if (!etc.ok) return [];
  const { unit } = ctx.config.forwarder;
  const found: string[] = [];
  for (const dir of etc.value.filter((d) => d.endsWith('.wants') || d.endsWith('.requires'))) {
    const inside = await ctx.files.list(`/etc/systemd/system/${dir}`);
    if (inside.ok && inside.value.includes(unit)) found.push(`/etc/systemd/system/${dir}/${unit}`);
  }
  return found;
}

export const checkForwarderService: Check = async (ctx) => {
  const off = disabledInConfig(ctx, 'forwarder-service');
  if (off) return off;
  const { unit } = ctx.config.forwarder;
  const short = shortUnit(unit);
  if ((await findUnitFile(ctx)) === null) return skip('forwarder-service', `${unit} is not installed (see forwarder-installed)`);
  const masked = await ctx.files.readLink(`/etc/systemd/system/${unit}`);
  if (masked.ok && masked.value === '/dev/null') {
    const evidence = `${unit} is masked (/etc/systemd/system/${unit} -> /dev/null)`;
    return fail('forwarder-service', evidence, `systemctl unmask ${short} && systemctl enable --now ${short}`);
  }
  const links = await readEnablingLinks(ctx);
  if (links.length === 0) {
    const evidence = `${unit} is not enabled (no link in /etc/systemd/system/*.wants/)`;
    return fail('forwarder-service', evidence, `systemctl enable ${short} && systemctl start ${short}`);
  }
  const enabled = `enabled (${links.join(', ')})`;
  if (ctx.readUnitActiveState === null) {
    return skip('forwarder-service', `${enabled}; whether it is active is only checked on the live host (root /, not ${ctx.root})`);
  }
  let state: string;
  try {
    state = await ctx.readUnitActiveState(unit);
  } catch (e) {
    return skip('forwarder-service', `${enabled}; systemctl is-active failed: ${messageOf(e)}`);
  }
  if (state === 'active') return pass('forwarder-service', `${enabled}, active`);
  return fail('forwarder-service', `${enabled}, but ${state}`, `systemctl start ${short} (and see journalctl -fu ${short})`);
};
