// The control socket answers root only: a client running as an unprivileged
// user (nobody, through setpriv) cannot connect to it, even where it can
// reach the socket's directory, and the daemon hears nothing from it.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaemonRig } from '../helpers/daemon.js';
import { assertPresent, skipWhenMissing } from '../helpers/requires.js';

const asRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'];

const CLIENT = `
const net = require('node:net');
const s = net.connect(process.argv[1]);
let got = '';
s.on('connect', () => s.write('{"request":"status"}\\n'));
s.on('data', (d) => { got += d; if (got.includes('\\n')) { console.log('answered ' + got.slice(0, 80)); s.destroy(); } });
s.on('error', (e) => { console.log('refused ' + e.code); });
`;

let rig: DaemonRig;
beforeEach(() => (rig = new DaemonRig()));
afterEach(() => rig.tearDown());

describe('the control socket', () => {
  it.skipIf(skipWhenMissing(asRoot && hasSetpriv))('refuses a client that is not root, and answers root', async () => {
    assertPresent(asRoot && hasSetpriv, 'root and setpriv');
    await rig.setUp();
    // Let anyone reach the socket's directory: only the socket's own mode may refuse.
    chmodSync(rig.t.dir, 0o755);
    await rig.start();
    await rig.waitConverged(8, 'the start-up reconcile');
    const nobody = spawnSync(NOBODY[0] ?? 'setpriv', [...NOBODY.slice(1), process.execPath, '-e', CLIENT, rig.socket], {
      encoding: 'utf8',
    });
    expect(nobody.stderr).toBe('');
    expect(nobody.stdout.trim()).toBe('refused EACCES');
    const root = spawnSync(process.execPath, ['-e', CLIENT, rig.socket], { encoding: 'utf8' });
    expect(root.stdout).toMatch(/^answered \{"ok":true/);
  });
});
