// contrib/ansible's role, run by ansible-playbook on the guest itself
// (-c local) after the purge: the first run installs, configures and waits
// for convergence (changed); the second changes nothing; a changed variable
// rewrites the drop-in and reloads the daemon; a bad variable fails at
// `vfkeeper check-config` with nothing written; a host that cannot converge
// (the forwarder stopped) fails the play.
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../lib/exec.js';
import { readJournalAfter, readJournalCursor } from '../lib/journal.js';
import { expectEqual } from '../lib/pci-expect.js';
import { runSystemctl } from '../lib/systemctl.js';
import { FORWARDER_ENDPOINTS, FORWARDER_UNIT, SOCKET_DIR, SOCKET_OWNER } from '../lib/vfkeeper-install.js';
import { DROP_IN, SYSTEMD_ENTRIES, readMainPid, type PackageContext } from './context.js';

const ROLE_DROP_IN = '/etc/vfkeeper/conf.d/50-ansible.yaml';
const PLAYBOOK_MS = 900_000;

interface PlayResult {
  status: number | null;
  output: string;
  /** From the PLAY RECAP line of localhost. */
  changed: number;
  failed: number;
}

/** The inventory variables of the e2e host: the NVMe PF, relays auto, the emulated forwarder. */
function siteVariables(ctx: PackageContext, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    vfkeeper_deb: ctx.debs.new.path,
    vfkeeper_pfs: [{ match: { id: '1b36:0010' }, vfs: 'max', firmware: 'any' }],
    vfkeeper_relays: 'auto',
    vfkeeper_forwarder: {
      unit: FORWARDER_UNIT,
      port_control: FORWARDER_ENDPOINTS.portControl,
      stats: FORWARDER_ENDPOINTS.stats,
      socket_dir: SOCKET_DIR,
      socket_owner: `${SOCKET_OWNER.user}:${SOCKET_OWNER.group}`,
    },
    ...extra,
  };
}

async function runPlaybook(ctx: PackageContext, name: string, extra: Record<string, unknown> = {}): Promise<PlayResult> {
  const dir = join(ctx.env.projectDir, 'contrib/ansible');
  const vars = `/tmp/ansible-${name}.json`;
  await writeFile(vars, JSON.stringify(siteVariables(ctx, extra)));
  const env = {
    ...process.env,
    LC_ALL: 'C.UTF-8',
    ANSIBLE_ROLES_PATH: join(dir, 'roles'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
  };
  const argv = ['ansible-playbook', '-i', 'localhost,', '-c', 'local', '-e', `@${vars}`, join(dir, 'tests/site.yml')];
  const start = performance.now();
  const r = await runCommand(argv, { timeoutMs: PLAYBOOK_MS, env });
  ctx.rec.timing(`ansible ${name} ms`, Math.round(performance.now() - start));
  const output = r.stdout + r.stderr;
  ctx.rec.fact(`ansible ${name}`, output.slice(-4000));
  const recap = /localhost\s*:.*changed=(\d+).*failed=(\d+)/.exec(output);
  return { status: r.status, output, changed: Number(recap?.[1] ?? -1), failed: Number(recap?.[2] ?? -1) };
}

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

export async function runAnsible(ctx: PackageContext): Promise<void> {
  const { rec } = ctx;
  await rec.step('ansible: the purged host starts from no configuration of vfkeeper', async () => {
    await rm(DROP_IN, { force: true });
  });
  await rec.step('ansible: the first run installs, writes the drop-in, converges (changed)', async () => {
    const play = await runPlaybook(ctx, 'first');
    expectEqual(`exit status (${play.output.slice(-1500)})`, play.status, 0);
    expectEqual('changed tasks > 0', play.changed > 0, true);
    expectEqual('the drop-in names the NVMe PF', (await readFile(ROLE_DROP_IN, 'utf8')).includes('1b36:0010'), true);
  });
  await rec.step('ansible: the second run changes nothing', async () => {
    const play = await runPlaybook(ctx, 'second');
    expectEqual(`exit status (${play.output.slice(-1500)})`, play.status, 0);
    expectEqual('changed tasks', play.changed, 0);
  });
  await rec.step('ansible: a changed variable rewrites the drop-in and reloads the daemon', async () => {
    const cursor = await readJournalCursor();
    const play = await runPlaybook(ctx, 'changed', { vfkeeper_daemon: { resync_seconds: 600 } });
    expectEqual(`exit status (${play.output.slice(-1500)})`, play.status, 0);
    expectEqual('changed tasks (template, handler)', play.changed, 2);
    expectEqual('the drop-in has the new key', (await readFile(ROLE_DROP_IN, 'utf8')).includes('resync_seconds: 600'), true);
    const unit = await readJournalAfter(cursor, SYSTEMD_ENTRIES);
    expectEqual(
      'systemd reloaded vfkeeper',
      unit.some((e) => /^Reload(ed|ing)/.test(e.MESSAGE ?? '')),
      true,
    );
  });
  await rec.step('ansible: a bad variable fails at check-config, with nothing written or reloaded', async () => {
    const before = await sha256(ROLE_DROP_IN);
    const pid = await readMainPid();
    const cursor = await readJournalCursor();
    const play = await runPlaybook(ctx, 'bad', { vfkeeper_pfs: [{ match: { id: '1b36:0010' }, vfs: 'lots' }] });
    expectEqual('exit status (2: a host failed)', play.status, 2);
    expectEqual(
      `check-config's message names the place and expectation (${play.output.slice(-1500)})`,
      // ansible prints stderr inside JSON: the quotes come escaped.
      /pfs\[0\]\.vfs: expected a whole number from 0 to \d+ or \\?"max\\?"/.test(play.output),
      true,
    );
    expectEqual('the drop-in unchanged', await sha256(ROLE_DROP_IN), before);
    expectEqual('the daemon not restarted', await readMainPid(), pid);
    expectEqual('no reload', (await readJournalAfter(cursor, SYSTEMD_ENTRIES)).filter((e) => /^Reload/.test(e.MESSAGE ?? '')).length, 0);
  });
  await rec.step('ansible: with the forwarder stopped the host cannot converge, and the play fails saying so', async () => {
    await runSystemctl(['stop', FORWARDER_UNIT]);
    const play = await runPlaybook(ctx, 'unconverged', {
      vfkeeper_converge_retries: 2,
      vfkeeper_converge_delay: 2,
      vfkeeper_daemon: { resync_seconds: 600 },
    });
    expectEqual('exit status (2: a host failed)', play.status, 2);
    expectEqual(
      `the failure says the host is not converged (${play.output.slice(-1500)})`,
      play.output.includes('vfkeeper has not converged localhost'),
      true,
    );
  });
}
