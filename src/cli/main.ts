// The whole command line: parse the global options, find the command, run
// it, and map errors to cli.md's exit statuses (reportError). The process
// starts in entry.ts, which loads this only when a served `status` is not
// the whole job.
import { commands } from './commands/index.js';
import { splitArgv } from './parse-options.js';
import { checkPathOptions } from './check-path-options.js';
import { UsageError } from './usage-error.js';
import { reportError } from './report-error.js';
import { version } from './version.js';

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
