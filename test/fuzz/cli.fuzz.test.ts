// The command line on generated bad input: each run of the real CLI exits 2
// (bad usage or configuration) with a message saying what was wrong, never
// 1 or a crash with a stack trace. Few cases: each is a process.
import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkNetdevName } from '../../src/events/netdev-name.js';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir } from '../helpers/temp.js';
import { fuzzRuns } from './fuzz-runs.js';

const t = tempDir('vfkz-');
afterAll(() => t.remove());
const RUNS = { numRuns: fuzzRuns() >= 10_000 ? 20 : 5 };
const noTrace = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .*:\d+:\d+|internal error/);

describe('fuzz: the command line', () => {
  it('a hook with a name that is not an interface name exits 2 and says so', () => {
    const bad = fc
      .string({ minLength: 1, maxLength: 24 })
      .filter((n) => checkNetdevName(n) !== null && !n.startsWith('-') && !n.includes('\u0000'));
    fc.assert(
      fc.property(bad, (name) => {
        const r = vfkeeper(['hook', 'networkmanager', '--', name, 'up'], { env: { VFKEEPER_CONTROL_SOCKET: t.path('none.sock') } });
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/interface name/);
        noTrace(r.stderr);
      }),
      RUNS,
    );
  }, 120_000);

  it('a configuration file with a wrong value where a section should be exits 2 naming the file', () => {
    const section = fc.constantFrom('pfs', 'relays', 'forwarder', 'firmware', 'daemon');
    const scalar = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.stringMatching(/^[a-z]{1,10}$/).filter((s) => s !== 'auto'),
    );
    writeFileSync(t.path('host.json'), vfkeeper(['sim', 'init']).stdout);
    fc.assert(
      fc.property(section, scalar, (key, value) => {
        const file = t.path('bad.yaml');
        writeFileSync(file, `${key}: ${JSON.stringify(value)}\n`);
        const r = vfkeeper(['--config', file, '--simulate', t.path('host.json'), 'reconcile', '--dry-run']);
        expect(r.status).toBe(2);
        expect(r.stderr).toContain(file);
        noTrace(r.stderr);
      }),
      RUNS,
    );
  }, 120_000);

  it('libvirt-xml with a relay number that is not a number exits 2', () => {
    const word = fc.stringMatching(/^[a-z][a-z ]{0,10}$/);
    fc.assert(
      fc.property(word, (w) => {
        const r = vfkeeper(['libvirt-xml', '--virtio-id', w]);
        expect(r.status).toBe(2);
        noTrace(r.stderr);
      }),
      RUNS,
    );
  }, 120_000);
});
