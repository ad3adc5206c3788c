// The foundation's acceptance, as a user types it: sim init, reconcile,
// status, dry runs, the workload guard, and configuration errors.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
beforeEach(() => {
  t = tempDir();
  writeFileSync(t.path('c.yaml'), 'forwarder: { enabled: false }\n');
});
afterEach(() => t.remove());

function simInit(args: string[] = []): string {
  const r = vfkeeper(['sim', 'init', ...args]);
  expect(r.status).toBe(0);
  writeFileSync(t.path('h.json'), r.stdout);
  return t.path('h.json');
}

describe('reconcile on a simulated Agilio host', () => {
  it('creates all 56 VFs, binds them to vfio-pci, and a second dry run plans nothing', () => {
    const h = simInit();
    const run = vfkeeper(['reconcile', '--simulate', h, '--config', t.path('c.yaml'), '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { steps: Array<{ kind: string; result: string }>; converged: boolean };
    expect(report.converged).toBe(true);
    expect(report.steps.filter((s) => s.kind === 'bind-driver' && s.result === 'ok')).toHaveLength(56);

    const status = JSON.parse(vfkeeper(['status', '--simulate', h, '--config', t.path('c.yaml'), '--json']).stdout);
    expect(status.pfs).toHaveLength(1);
    expect(status.pfs[0]).toMatchObject({
      pci: '0000:02:00.0',
      netdev: 'enp2s0np0',
      driver: 'nfp',
      firmware: 'sriov-2.1.14',
      numvfs: 56,
      totalvfs: 56,
    });
    expect(status.pfs[0].vfs.map((v: { driver: string }) => v.driver)).toEqual(Array(56).fill('vfio-pci'));
    expect(status.paused).toBe(false);

    const again = vfkeeper(['reconcile', '--dry-run', '--simulate', h, '--config', t.path('c.yaml'), '--json']);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).steps).toEqual([]);
  });

  it('plans a count change in order with reasons, and the guard refuses it (exit 3) while a VF is open', () => {
    const h = simInit(['--numvfs', '4']);
    writeFileSync(t.path('c8.yaml'), 'forwarder: { enabled: false }\npfs:\n  - match: { netdev: enp2s0np0 }\n    vfs: 8\n');
    const dry = vfkeeper(['reconcile', '--dry-run', '--simulate', h, '--config', t.path('c8.yaml'), '--json']);
    expect(dry.status).toBe(0);
    const steps = JSON.parse(dry.stdout).steps as Array<{ kind: string; target: string; result: string; why: string }>;
    expect(steps.every((s) => s.result === 'planned' && s.why.length > 0)).toBe(true);
    const kinds = steps.map((s) => s.kind);
    expect(kinds.slice(0, 4)).toEqual(['set-link-up', 'set-autoprobe', 'set-numvfs', 'set-numvfs']);
    expect(steps[2]).toMatchObject({ target: '0000:02:00.0', why: expect.stringContaining('numvfs 4, want 8') });
    expect(kinds.indexOf('load-module')).toBeLessThan(kinds.indexOf('bind-driver'));
    expect(kinds.filter((k) => k === 'bind-driver')).toHaveLength(8);

    expect(vfkeeper(['sim', 'open-vfio', '--simulate', h, '0000:02:08.1']).status).toBe(0);
    const before = JSON.parse(readFileSync(h, 'utf8')).pfs;
    const real = vfkeeper(['reconcile', '--simulate', h, '--config', t.path('c8.yaml')]);
    expect(real.status).toBe(3);
    expect(real.stdout).toMatch(/REFUSED.*0000:02:08\.1 is open by qemu-system-x86/);
    expect(JSON.parse(readFileSync(h, 'utf8')).pfs).toEqual(before);
  });

  it('with --force tears the in-use VFs down and converges', () => {
    const h = simInit(['--numvfs', '4']);
    writeFileSync(t.path('c8.yaml'), 'forwarder: { enabled: false }\npfs:\n  - match: { pci: "02:00.0" }\n    vfs: 8\n');
    vfkeeper(['sim', 'open-vfio', '--simulate', h, '0000:02:08.1']);
    vfkeeper(['sim', 'close-vfio', '--simulate', h, '0000:02:08.1']);
    const r = vfkeeper(['reconcile', '--force', '--simulate', h, '--config', t.path('c8.yaml'), '--json']);
    expect(r.status).toBe(0);
    const writes = JSON.parse(readFileSync(h, 'utf8')).writes.filter((w: { path: string }) => w.path.endsWith('sriov_numvfs'));
    expect(writes.map((w: { value: string; result: string }) => `${w.value}:${w.result}`)).toEqual(['0:ok', '8:ok']);
  });
});

describe('bad input', () => {
  it('an invalid configuration exits 2 naming the file, the place and the expectation', () => {
    const h = simInit();
    writeFileSync(t.path('bad.yaml'), 'pfs:\n  - match: { netdev: enp2s0np0 }\n    vfs: lots\n');
    const r = vfkeeper(['reconcile', '--simulate', h, '--config', t.path('bad.yaml')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(t.path('bad.yaml'));
    expect(r.stderr).toContain('pfs[0].vfs');
    expect(r.stderr).toMatch(/expected a whole number from 0 to 65535 or "max"/);
  });

  it('a configuration others could write, or an alias bomb, exits 2 naming the file (and its mode)', () => {
    writeFileSync(t.path('open.yaml'), 'relays: auto\n', { mode: 0o666 });
    chmodSync(t.path('open.yaml'), 0o666);
    const open = vfkeeper(['status', '--simulate', simInit(), '--config', t.path('open.yaml')]);
    expect(open.status).toBe(2);
    expect(open.stderr).toContain(
      `vfkeeper: ${t.path('open.yaml')}: refusing a configuration file writable by group or others (mode 0666)`,
    );
    const lol = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdef'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`),
    ];
    writeFileSync(t.path('bomb.yaml'), `${lol.join('\n')}\n`);
    const bomb = vfkeeper(['status', '--simulate', simInit(), '--config', t.path('bomb.yaml')]);
    expect(bomb.status).toBe(2);
    expect(bomb.stderr).toContain(`vfkeeper: ${t.path('bomb.yaml')}: expected a plain document: Excessive alias count`);
    expect(bomb.stderr).not.toContain('internal error');
  });

  it('YAML syntax errors give the line; unknown keys are named', () => {
    writeFileSync(t.path('syntax.yaml'), 'pfs:\n  - match: { netdev: [\n');
    const r = vfkeeper(['status', '--config', t.path('syntax.yaml'), '--simulate', simInit()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/syntax\.yaml: line \d+, column \d+: expected valid YAML/);
    writeFileSync(t.path('typo.yaml'), 'forwarder:\n  sockt_dir: /tmp/x\n');
    const typo = vfkeeper(['status', '--config', t.path('typo.yaml'), '--simulate', t.path('h.json')]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('forwarder.sockt_dir: unknown key');
  });

  it('a missing --config file, an unknown option or command, and a bad PCI address exit 2', () => {
    expect(vfkeeper(['status', '--config', t.path('nope.yaml')]).status).toBe(2);
    const opt = vfkeeper(['reconcile', '--dryrun']);
    expect(opt.status).toBe(2);
    expect(opt.stderr).toMatch(/--dryrun/);
    expect(vfkeeper(['frobnicate']).status).toBe(2);
    const h = simInit();
    const pci = vfkeeper(['sim', 'open-vfio', '--simulate', h, '2:8.0']);
    expect(pci.status).toBe(2);
    expect(pci.stderr).toMatch(/"2:8\.0" is not a PCI address/);
  });

  it('--help and --version work on every command', () => {
    expect(vfkeeper(['--version']).stdout).toMatch(/^vfkeeper \d+\.\d+\.\d+/);
    const help = vfkeeper(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/reconcile/);
    for (const c of ['reconcile', 'status', 'sim']) {
      const r = vfkeeper([c, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`Usage: vfkeeper ${c}`));
    }
  });
});
