// `libvirt-xml --full` on a simulated host whose PF sits on NUMA node 1, with
// the forwarder's CPU mask in a temporary root's /etc/default/virtioforwarder.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
beforeEach(() => (t = tempDir()));
afterEach(() => t.remove());

describe('libvirt-xml --full', () => {
  it("takes the hugepage nodeset and the NUMA binding from the PF's numa_node and names VIRTIOFWD_CPU_MASK", () => {
    const state = JSON.parse(vfkeeper(['sim', 'init', '--vfs', '2']).stdout) as { pfs: Array<{ numaNode?: number }> };
    const pf = state.pfs[0];
    if (pf) pf.numaNode = 1;
    writeFileSync(t.path('h.json'), JSON.stringify(state));
    writeFileSync(t.path('c.yaml'), 'forwarder: { enabled: false }\n');
    const args = ['--simulate', t.path('h.json'), '--config', t.path('c.yaml')];
    expect(vfkeeper(['reconcile', ...args]).status).toBe(0);
    mkdirSync(t.path('root/etc/default'), { recursive: true });
    writeFileSync(t.path('root/etc/default/virtioforwarder'), 'VIRTIOFWD_CPU_MASK=0x30\n');

    const r = vfkeeper(['libvirt-xml', '--virtio-id', '2', '--full', '--root', t.path('root'), ...args]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("<page size='1048576' unit='KiB' nodeset='1'/>");
    expect(r.stdout).toContain("<memnode cellid='0' mode='strict' nodeset='1'/>");
    expect(r.stdout).toContain('host CPUs 4-5 (VIRTIOFWD_CPU_MASK)');
    expect(r.stdout).not.toContain("nodeset='0'");
    const parsed = spawnSync(
      'python3',
      ['-c', 'import sys, xml.dom.minidom as m; print(m.parseString(sys.stdin.read()).documentElement.tagName)'],
      {
        input: r.stdout,
        encoding: 'utf8',
      },
    );
    expect(parsed.stdout.trim()).toBe('domain');

    writeFileSync(t.path('root/etc/default/virtioforwarder'), 'VIRTIOFWD_CPU_MASK=lots\n');
    const bad = vfkeeper(['libvirt-xml', '--virtio-id', '2', '--full', '--root', t.path('root'), ...args]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('VIRTIOFWD_CPU_MASK="lots" is neither a CPU list');
    expect(readFileSync(t.path('h.json'), 'utf8')).toContain('"numaNode": 1');
  });
});
