// apparmor: on Ubuntu, libvirt's AppArmor abstraction lets QEMU use the
// forwarder's sockets, its own libraries and the hugepage directories: the
// guide's lines at the end of /etc/apparmor.d/abstractions/libvirt-qemu
// (the local/ override counts too), and the edited "/tmp/{,**} r," line.
import { readOsRelease } from './read-inputs.js';
import { fail, pass, skip, type Check, type DoctorContext } from './types.js';

const ID = 'apparmor';
export const APPARMOR_FILE = '/etc/apparmor.d/abstractions/libvirt-qemu';
const LOCAL_FILE = '/etc/apparmor.d/local/abstractions/libvirt-qemu';
const TMP_LINE = '/tmp/{,**} r,';

/** The guide's lines; the socket directory is the configured one (the guide's is /tmp/virtio-forwarder). */
export function apparmorLines(socketDir: string): string[] {
  return [
    `${socketDir.replace(/\/$/, '')}/** rwmix,`,
    '/usr/lib/x86_64-linux-gnu/qemu/* rmix,',
    'owner "/dev/hugepages/libvirt/qemu/**" rw,',
    'owner "/dev/hugepages-1G/libvirt/qemu/**" rw,',
    TMP_LINE,
  ];
}

function normalise(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

/** The edit: the missing lines appended, the /tmp line changed; then AppArmor restarted. */
export function apparmorFix(missing: string[]): string {
  const append = missing.filter((l) => l !== TMP_LINE);
  const steps: string[] = [];
  if (append.length > 0) steps.push(`add to the end of ${APPARMOR_FILE}:\n${append.map((l) => `  ${l}`).join('\n')}`);
  if (missing.includes(TMP_LINE)) steps.push(`edit the existing /tmp line of ${APPARMOR_FILE} so that it reads:\n  ${TMP_LINE}`);
  steps.push('then: systemctl restart apparmor.service');
  return steps.join('\n');
}

async function readRules(ctx: DoctorContext): Promise<{ lines: Set<string> | null; reason: string }> {
  const main = await ctx.files.readText(APPARMOR_FILE);
  if (!main.ok) return { lines: null, reason: main.reason };
  const local = await ctx.files.readText(LOCAL_FILE);
  const text = local.ok ? `${main.value}\n${local.value}` : main.value;
  return { lines: new Set(text.split('\n').map(normalise)), reason: '' };
}

export const checkApparmor: Check = async (ctx) => {
  const os = await readOsRelease(ctx);
  if (!os.ok) return skip(ID, `cannot tell the distribution: ${os.reason}`);
  if (os.value.id !== 'ubuntu') {
    return skip(ID, `not Ubuntu (ID=${os.value.id || 'unset'} in /etc/os-release); the guide's AppArmor lines are for Ubuntu`);
  }
  const rules = await readRules(ctx);
  if (rules.lines === null) return skip(ID, `${rules.reason} (is libvirt installed?)`);
  const want = apparmorLines(ctx.config.forwarder.socketDir);
  const present = rules.lines;
  const missing = want.filter((l) => !present.has(normalise(l)));
  if (missing.length === 0) return pass(ID, `${APPARMOR_FILE} has the guide's ${want.length} lines`);
  return fail(ID, `${APPARMOR_FILE} lacks ${missing.map((l) => `"${l}"`).join(', ')}`, apparmorFix(missing));
};
