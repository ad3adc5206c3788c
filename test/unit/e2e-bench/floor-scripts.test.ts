// The guest bench's shell scripts are template strings in TypeScript: a
// quoting slip (an unescaped ${...}) shows only once a VM has booted. Here
// each script is parsed by the guest's own shell (dash, `sh -n`) and the igb
// variant is checked to do the netdev's work vfkeeper's run does there.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PEERS } from '../../e2e/guest/bench/peers.js';
import { floorScript } from '../../e2e/guest/bench/shell-floor.js';
import type { PfKind } from '../../e2e/guest/bench/bench-pfs.js';

const KINDS: readonly PfKind[] = ['nvme', 'igb'];
const scripts = KINDS.flatMap((kind) => [
  { name: `floor on ${kind}`, kind, text: floorScript(kind) },
  ...PEERS.map((peer) => ({ name: `${peer.name} on ${kind}`, kind, text: peer.script(kind) })),
]);

describe('bench floor scripts', () => {
  it.each(scripts)('$name parses under sh -n', ({ text }) => {
    const out = spawnSync('sh', ['-n', '-c', text], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it.each(scripts)('$name sets the link and the VF MACs only on igb, before the binds', ({ kind, text }) => {
    const up = text.indexOf('ip link set dev "$net" up');
    const count = text.indexOf('> "$pf/sriov_numvfs"');
    const macs = text.indexOf('vf "$i" mac');
    const written = text.indexOf('echo written');
    if (kind === 'igb') {
      expect(up).toBeGreaterThan(-1);
      expect(up).toBeLessThan(count);
      expect(macs).toBeGreaterThan(count);
      expect(macs).toBeLessThan(written);
    } else {
      expect([up, macs]).toEqual([-1, -1]);
    }
  });
});
