import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkConfigCommand } from '../../../src/cli/commands/check-config.js';
import { capture } from '../../helpers/command-context.js';

let dir = '';
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'vfk-check-config-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], config?: string): Promise<{ status: number; stdout: string; stderr: string }> {
  const { ctx, out, err } = capture(args);
  if (config !== undefined) ctx.globals.config = config;
  const status = await checkConfigCommand.run(ctx);
  return { status, stdout: out(), stderr: err() };
}

const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('vfkeeper check-config', () => {
  it('says in one line that valid files are valid, and exits 0', async () => {
    const a = write('a.yaml', 'pfs:\n  - match: { id: "1b36:0010" }\n    vfs: max\n    firmware: any\nrelays: auto\n');
    const b = write('b.yaml', 'daemon: { resync_seconds: 600 }\n');
    expect(await run([a, b])).toEqual({ status: 0, stdout: `${a}, ${b}: valid\n`, stderr: '' });
  });

  it('names the file, the place and the expectation of a bad value, and exits 2', async () => {
    const bad = write('tmpXYZ', 'pfs:\n  - match: { id: "1b36:0010" }\n    vfs: lots\n');
    const r = await run([bad]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`vfkeeper check-config: ${bad}: pfs[0].vfs: expected a whole number from 0 to 65535 or "max"\n`);
  });

  it('reports broken YAML with its line and column, an unknown key, and a missing file', async () => {
    const yaml = await run([write('y.yaml', 'pfs: [\n')]);
    expect(yaml.status).toBe(2);
    expect(yaml.stderr).toMatch(/y\.yaml: line \d+, column \d+: expected valid YAML/);
    const typo = await run([write('t.yaml', 'forwarder:\n  sockt_dir: /tmp\n')]);
    expect(typo.stderr).toContain('t.yaml: forwarder.sockt_dir: unknown key (a typo?)');
    const missing = await run([join(dir, 'nope.yaml')]);
    expect(missing).toMatchObject({
      status: 2,
      stderr: `vfkeeper check-config: ${join(dir, 'nope.yaml')}: expected a configuration file; it does not exist\n`,
    });
  });

  it('with no FILE checks the files vfkeeper reads: --config and the conf.d beside it', async () => {
    const main = write('vfkeeper.yaml', 'relays: auto\n');
    mkdirSync(join(dir, 'conf.d'));
    writeFileSync(join(dir, 'conf.d/50-x.yaml'), 'firmware: { guard: sometimes }\n');
    const r = await run([], main);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'conf.d/50-x.yaml')}: firmware.guard: expected "warn", "fix" or "off"`);
  });

  it('refuses an unknown option as bad usage', async () => {
    await expect(run(['--fix'])).rejects.toThrow(/Unknown option '--fix'/);
  });
});
