#!/usr/bin/env node
// Entry point: parse the global options, find the command, run it, and map
// errors to cli.md's exit statuses (2 usage/configuration, 1 otherwise),
// printing each error's hint.
import { readFileSync } from 'node:fs';
import { isConfigError } from '../config/config-error.js';
import { isVfkeeperError } from '../model/errors.js';
import { commands } from './commands/index.js';
import { splitArgv } from './parse-options.js';
import { checkPathOptions } from './check-path-options.js';
import { UsageError } from './usage-error.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  const list = commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return `Usage: vfkeeper [global options] COMMAND [options]

Keeps SR-IOV hosts right by themselves: VFs created, bound to vfio-pci and
attached to virtio-forwarder relays, on boot and on hotplug.

Commands:
${list}

Global options:
  --config PATH           configuration file (default /etc/vfkeeper/vfkeeper.yaml + conf.d/*.yaml)
  --sysfs-root DIR        run against DIR instead of /sys (also VFKEEPER_SYSFS_ROOT)
  --simulate STATE.json   run against a simulated host kept in STATE.json
  --control-socket PATH   the daemon's control socket (also VFKEEPER_CONTROL_SOCKET)
  --json                  machine-readable output
  --help, --version

Exit status: 0 done, 1 a step or check failed, 2 bad usage or configuration, 3 refused by the workload guard.
`;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    const parsed = splitArgv(argv, env);
    if (parsed.version) return (void process.stdout.write(`vfkeeper ${version()}\n`), 0);
    const entry = commands.find((c) => c.name === parsed.command);
    if (parsed.command === undefined || (parsed.help && !entry)) return (void process.stdout.write(help()), parsed.help ? 0 : 2);
    if (!entry) throw new UsageError(`unknown command "${parsed.command}"`, 'vfkeeper --help lists the commands');
    const command = await entry.load();
    if (parsed.help) return (void process.stdout.write(`${command.usage}\n`), 0);
    await checkPathOptions(parsed.globals, env);
    return await command.run({ args: parsed.args, globals: parsed.globals, stdout: process.stdout, stderr: process.stderr, env });
  } catch (e) {
    return reportError(e);
  }
}

function reportError(e: unknown): number {
  if (isVfkeeperError(e)) {
    process.stderr.write(`vfkeeper: ${e.message}\n${e.hint ? `  ${e instanceof UsageError ? '' : 'hint: '}${e.hint}\n` : ''}`);
    // A configuration error may come from the daemon, as a code: exit 2 all the same;
    // so is a simulated host's state file, named on the command line as --config is.
    return e instanceof UsageError || e.code === 'ERR_SIM_STATE' || isConfigError(e) ? 2 : 1;
  }
  process.stderr.write(`vfkeeper: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 1;
}

const status = await main(process.argv.slice(2), process.env);
process.exitCode = status;
