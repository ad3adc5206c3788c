// Numbers on the command line are whole decimal numbers in range, and a
// missing input file named on the command line is bad usage (exit 2)
// whichever option named it: the built CLI, as a user runs it.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
beforeAll(() => {
  t = tempDir();
  writeFileSync(t.path('h.json'), vfkeeper(['sim', 'init', '--vfs', '4']).stdout);
  writeFileSync(t.path('c.yaml'), 'forwarder: { enabled: false }\n');
});
afterAll(() => t.remove());

describe('numbers on the command line', () => {
  it.each(['1e3', '0x10', '-1', '12345678901234567890123', ' 5', '5.0', '', '60', '0'])(
    '--virtio-id "%s" exits 2 and says what it wanted',
    (v) => {
      const r = vfkeeper(['libvirt-xml', '--simulate', t.path('h.json'), '--config', t.path('c.yaml'), `--virtio-id=${v}`]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`vfkeeper: --virtio-id must be a whole decimal number from 1 to 59, got `);
    },
  );

  it.each(['1e1', '0x4', '-2', '99999999999999999999999'])('sim init --vfs "%s" exits 2', (v) => {
    const r = vfkeeper(['sim', 'init', `--vfs=${v}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('vfkeeper: --vfs must be a whole decimal number from 0 to 255, got ');
  });

  it('takes a plain decimal number', () => {
    const r = vfkeeper(['sim', 'init', '--vfs', '007']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ pfs: [{ totalVfs: 7 }] });
  });
});

describe('a missing input file named on the command line', () => {
  it.each([['status'], ['reconcile', '--dry-run'], ['libvirt-xml', '--virtio-id', '1']])(
    'exits 2 for %s, whether --config or --simulate named it',
    (...cmd) => {
      const noConfig = vfkeeper([...cmd, '--simulate', t.path('h.json'), '--config', t.path('absent.yaml')]);
      const noState = vfkeeper([...cmd, '--simulate', t.path('absent.json'), '--config', t.path('c.yaml')]);
      expect([noConfig.status, noState.status]).toEqual([2, 2]);
      expect(noConfig.stderr).toContain(`${t.path('absent.yaml')}: expected a configuration file; it does not exist`);
      expect(noState.stderr).toContain(`${t.path('absent.json')}: expected a simulated host state file; it does not exist`);
    },
  );
});
