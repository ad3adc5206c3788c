// Scenario 7: the installed unit as the guest's systemd 252 judges it
// (`systemd-analyze security`, `systemd-analyze verify`), and the running
// daemon's credentials as the kernel reports them (capabilities,
// no_new_privs, seccomp), after it has done the work of scenarios 1-5.
import { readFile } from 'node:fs/promises';
import { runCommand } from '../lib/exec.js';
import { expectEqual } from '../lib/pci-expect.js';
import { readUnitProperties } from '../lib/systemctl.js';
import { UNIT, type DaemonContext } from './context.js';
import type { CommandOutput, S7Facts } from './facts.js';

const INSTALLED_UNIT = '/lib/systemd/system/vfkeeper.service';
const MAX_EXPOSURE = 4.0;

/** The figure of "→ Overall exposure level for vfkeeper.service: 3.5 OK". */
export function parseExposure(report: string): number | null {
  const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(report);
  return m?.[1] === undefined ? null : Number(m[1]);
}

async function runAnalyze(args: readonly string[]): Promise<CommandOutput> {
  const r = await runCommand(['systemd-analyze', ...args], { timeoutMs: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function readProcStatus(pid: string): Promise<Record<string, string>> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const keep = new Set(['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb', 'NoNewPrivs', 'Seccomp', 'Uid']);
  return Object.fromEntries(
    text
      .split('\n')
      .map((l) => l.split(':\t'))
      .filter(([k]) => keep.has(k ?? ''))
      .map(([k, v]) => [k ?? '', (v ?? '').trim()]),
  );
}

export async function runHardening(ctx: DaemonContext): Promise<void> {
  const { rec } = ctx;
  const security = await rec.step(`s7: systemd-analyze security ${UNIT}: exposure <= ${MAX_EXPOSURE}`, async () => {
    const out = await runAnalyze(['security', '--no-pager', UNIT]);
    const exposure = parseExposure(out.stdout);
    if (exposure === null || exposure > MAX_EXPOSURE)
      throw new Error(`exposure ${String(exposure)}: ${out.stdout.split('\n').slice(-3).join(' ')}`);
    return { out, exposure };
  });
  const verify = await rec.step(`s7: systemd-analyze verify ${INSTALLED_UNIT}`, async () => {
    const out = await runAnalyze(['verify', INSTALLED_UNIT]);
    expectEqual(`systemd-analyze verify exit status (${out.stderr.trim()})`, out.status, 0);
    return out;
  });
  const proc = await rec.step('s7: the running daemon: bounded capabilities, no_new_privs, seccomp filter', async () => {
    const pid = (await readUnitProperties(UNIT, ['MainPID'])).MainPID ?? '0';
    const status = await readProcStatus(pid);
    expectEqual('NoNewPrivs', status.NoNewPrivs, '1');
    expectEqual('Seccomp (2: filter)', status.Seccomp, '2');
    return status;
  });
  const facts: S7Facts = { exposure: security.exposure, security: security.out, verify, proc };
  rec.fact('s7', facts);
}
