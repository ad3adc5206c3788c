// `vfkeeper status` through the built CLI: the front (src/cli/entry.ts,
// front-status.ts) answers it without loading the whole command line
// (dist/bundle-cli/, ES modules), served by a daemon or, with none, from
// status-alone's own CommonJS bundle and its code cache, and says what the
// whole command line would say: the same output, the same error reports
// and exit statuses. Anything else is handed on. A real control socket in a
// temporary directory. Whether the whole command line was loaded is read
// at the process's exit: an ES module loaded means Node ran its ESM loader's
// module job, which the front (CommonJS) never needs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlServer } from '../../src/control/server.js';
import { VfkeeperError } from '../../src/model/errors.js';
import { vfkeeperAsync } from '../helpers/cli.js';
import { MemoryLogger } from '../helpers/events/memory-logger.js';

const STATUS_BUNDLE = fileURLToPath(new URL('../../dist/bundle-status/status-alone.js', import.meta.url));

// The whole command line's `status` (dist/cli/main.js, as tsc built it), called directly: what the front must match.
const MAIN_STATUS = `import { main } from ${JSON.stringify(new URL('../../dist/cli/main.js', import.meta.url).href)};
process.exitCode = await main(['status', ...process.argv.slice(1)], process.env);`;

let dir: string;
let server: ControlServer | null;
let answer: () => Promise<unknown>;
let asked: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vfkeeper-served-'));
  server = null;
  asked = 0;
  // Records, at the process's exit, the files it required, node's own modules it loaded, and each
  // file compiled through vm.Script (how the front loads a bundle) with whether V8 took its code cache.
  writeFileSync(
    join(dir, 'loaded.cjs'),
    `const vm = require('node:vm'); const compiled = [];
vm.Script = class extends vm.Script { constructor(code, o) { super(code, o); compiled.push('compiled ' + o.filename + (o.cachedData && !this.cachedDataRejected ? ' from its cache' : ' afresh')); } };
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(dir, 'loaded.json'))}, JSON.stringify([...Object.keys(require.cache), ...process.moduleLoadList, ...compiled])));`,
  );
});
afterEach(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function serve(): Promise<string> {
  const path = join(dir, 'control.sock');
  const handler = async () => {
    asked += 1;
    return (await answer()) as never;
  };
  server = new ControlServer({
    path,
    logger: new MemoryLogger(),
    handlers: { status: handler, reconcile: handler, hook: handler, pause: handler, resume: handler },
  });
  await server.start();
  return path;
}

async function run(args: string[]) {
  const r = await vfkeeperAsync(args, { env: { NODE_OPTIONS: `--require ${join(dir, 'loaded.cjs')}` } });
  const loaded = JSON.parse(readFileSync(join(dir, 'loaded.json'), 'utf8')) as string[];
  return { ...r, loaded, wholeCliLoaded: loaded.includes('NativeModule internal/modules/esm/module_job') };
}

describe('status served by the daemon', () => {
  it('prints what the daemon answered, and never loads the whole command line', async () => {
    const view = { pfs: [{ pci: '0000:02:00.0', vfs: [] }], paused: false };
    answer = async () => view;
    const r = await run(['status', '--json', '--control-socket', await serve()]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toEqual(view);
    expect(r.wholeCliLoaded).toBe(false);
    expect(asked).toBe(1);
  });

  it.each([
    ['a configuration error', new VfkeeperError('ERR_CONFIG', '/etc/vfkeeper/vfkeeper.yaml: pfs.0.vfs: expected a number', {}), 2],
    ['any other error, with its hint', new VfkeeperError('ERR_PAUSED', 'vfkeeper is paused', { hint: 'vfkeeper resume' }), 1],
  ])('reports %s the daemon answered as the whole command line does', async (_name, error, status) => {
    answer = async () => Promise.reject(error);
    const r = await run(['status', '--control-socket', await serve()]);
    expect(r.status).toBe(status);
    expect(r.stderr).toBe(`vfkeeper: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
    expect(r.stdout).toBe('');
    expect(r.wholeCliLoaded).toBe(false);
  });

  it('hands bad usage on to the whole command line, which reports it, and asks the daemon nothing', async () => {
    answer = async () => ({ pfs: [], paused: false });
    const r = await run(['status', '--bogus', '--control-socket', await serve()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^vfkeeper: Unknown option '--bogus'/);
    expect(r.wholeCliLoaded).toBe(true);
    expect(asked).toBe(0);
  });

  async function hostAlone(config = 'forwarder:\n  enabled: false\n') {
    const state = join(dir, 'host.json');
    const init = await vfkeeperAsync(['sim', 'init', '--pfs', '1', '--vfs', '4']);
    writeFileSync(state, init.stdout);
    writeFileSync(join(dir, 'config.yaml'), config);
    return ['--simulate', state, '--config', join(dir, 'config.yaml'), '--control-socket', join(dir, 'none.sock')];
  }

  it('with no daemon, reads the host itself from its own bundle, as the whole command line does', async () => {
    const args = await hostAlone();
    const r = await run(['status', '--json', ...args]);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { pfs: Array<{ pci: string }> }).pfs.map((p) => p.pci)).toEqual(['0000:02:00.0']);
    expect(r.wholeCliLoaded).toBe(false);
    expect(r.loaded).toContain(`compiled ${STATUS_BUNDLE} from its cache`);
    // The whole command line's own status, for the same host: the same text.
    const whole = await run(['status', ...args]);
    const viaMain = spawnSync(process.execPath, ['--input-type=module', '-e', MAIN_STATUS, '--', ...args], {
      encoding: 'utf8',
      env: { ...process.env, VFKEEPER_LOG: 'stderr' },
    });
    expect({ status: viaMain.status, stderr: viaMain.stderr }).toEqual({ status: 0, stderr: '' });
    expect(whole.stdout).toBe(viaMain.stdout);
  });

  it('with no daemon, reports a bad configuration as the whole command line does (exit 2, the file named)', async () => {
    const args = await hostAlone('pfs: [\n');
    const r = await run(['status', ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(join(dir, 'config.yaml'));
    expect(r.stdout).toBe('');
    expect(r.wholeCliLoaded).toBe(false);
  });

  it('answers --version alone, as the whole command line would', async () => {
    const r = await run(['--version']);
    expect(r.stdout).toBe(`vfkeeper ${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`);
    expect(r.wholeCliLoaded).toBe(false);
  });
});
