// pause, resume and status aimed at a simulated host use that host's own
// pause switch: the real host's (here a stand-in VFKEEPER_STATE_DIR, so the
// test never touches the machine's /var/lib/vfkeeper) is left alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vfkeeper } from '../helpers/cli.js';
import { tempDir, type TempDir } from '../helpers/temp.js';

let t: TempDir;
let env: NodeJS.ProcessEnv;
beforeAll(() => {
  t = tempDir();
  env = { VFKEEPER_STATE_DIR: t.path('real-host-state') };
  for (const h of ['a.json', 'b.json']) writeFileSync(t.path(h), vfkeeper(['sim', 'init', '--vfs', '2']).stdout);
  writeFileSync(t.path('c.yaml'), 'forwarder: { enabled: false }\n');
});
afterAll(() => t.remove());

const on = (h: string, ...args: string[]) => vfkeeper([...args, '--simulate', t.path(h), '--config', t.path('c.yaml')], { env });
const statusOf = (h: string) => JSON.parse(on(h, 'status', '--json').stdout) as { paused: boolean; pause_reason: string | null };

describe('state of a simulated host', () => {
  it('pausing one simulated host pauses that host only, never the real one', () => {
    expect(on('a.json', 'pause', '--reason', 'try it').status).toBe(0);
    expect(existsSync(t.path('real-host-state/pause.json'))).toBe(false);
    expect(JSON.parse(readFileSync(t.path('a.json.vfkeeper/pause.json'), 'utf8'))).toMatchObject({ paused: true, reason: 'try it' });
    expect(statusOf('a.json')).toMatchObject({ paused: true, pause_reason: 'try it' });
    expect(statusOf('b.json')).toMatchObject({ paused: false });
    expect(on('a.json', 'resume').status).toBe(0);
    expect(statusOf('a.json')).toMatchObject({ paused: false });
    expect(existsSync(t.path('real-host-state/pause.json'))).toBe(false);
  });
});
