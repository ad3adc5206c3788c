import { describe, expect, it } from 'vitest';
import { makeUdevRulesCommand, udevRulesCommand, type ReadConfig } from '../../../src/cli/commands/udev-rules.js';
import { defaultConfig, defaultPfRule } from '../../../src/model/config.js';
import { VfkeeperError } from '../../../src/model/errors.js';
import { formatUdevRules } from '../../../src/packaging/udev-rules.js';
import { capture } from '../../helpers/command-context.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

async function run(args: string[], json = false, command = udevRulesCommand): Promise<Run> {
  const { ctx, out, err } = capture(args, { json });
  const status = await command.run(ctx);
  return { status, stdout: out(), stderr: err() };
}

describe('vfkeeper udev-rules', () => {
  it('prints the rules of the built-in configuration by default', async () => {
    const r = await run([]);
    expect(r).toEqual({ status: 0, stdout: formatUdevRules(defaultConfig()), stderr: '' });
  });

  it('prints the rules of the configuration it is given', async () => {
    const config = { ...defaultConfig(), pfs: [defaultPfRule({ netdev: 'enp5s0np0' })], sources: ['/etc/vfkeeper/vfkeeper.yaml'] };
    const r = await run(
      [],
      false,
      makeUdevRulesCommand(() => Promise.resolve(config)),
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('KERNEL=="enp5s0np0", TAG+="systemd", ENV{SYSTEMD_WANTS}+="vfkeeper.service"');
    expect(r.stdout).toContain('# Configuration: /etc/vfkeeper/vfkeeper.yaml');
  });

  it('prints one JSON document with --json', async () => {
    const r = await run([], true);
    expect(JSON.parse(r.stdout)).toEqual({ name: '70-vfkeeper.rules', rules: formatUdevRules(defaultConfig()) });
  });

  it('exits 2 on an unexpected argument, saying which', async () => {
    const r = await run(['--force']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unexpected argument "--force"');
    expect(r.stdout).toBe('');
  });

  it('exits 2 with the message and the hint when the configuration holds what udev cannot', async () => {
    const config = { ...defaultConfig(), pfs: [defaultPfRule({ netdev: 'bad"name' })] };
    const r = await run(
      [],
      false,
      makeUdevRulesCommand(() => Promise.resolve(config)),
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/pfs\[0\]\.match\.netdev: "bad"name" cannot be matched by a udev rule\nhint: /);
  });

  it('exits 2 on an invalid configuration from the loader, and lets other failures through', async () => {
    const invalid: ReadConfig = () =>
      Promise.reject(new VfkeeperError('ERR_CONFIG', '/etc/vfkeeper/vfkeeper.yaml: pfs[0].vfs: expected a number or max'));
    expect((await run([], false, makeUdevRulesCommand(invalid))).status).toBe(2);
    const broken: ReadConfig = () => Promise.reject(new Error('EIO'));
    await expect(run([], false, makeUdevRulesCommand(broken))).rejects.toThrow('EIO');
  });

  it('prints its usage with --help', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Usage: vfkeeper udev-rules');
  });
});
