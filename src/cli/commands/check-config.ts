// `vfkeeper check-config [FILE...]`: validates configuration files alone,
// touching no host (no /sys, no forwarder, no daemon): what a templating
// tool's validate hook (Ansible's template validate, Salt's check_cmd,
// Puppet's validate_cmd) runs before it puts a file in place. With no FILE,
// the files vfkeeper itself would read: --config PATH (or
// /etc/vfkeeper/vfkeeper.yaml) and conf.d/*.yaml beside it.
import { readFile } from 'node:fs/promises';
import { ConfigError, isConfigError } from '../../config/config-error.js';
import { DEFAULT_CONFIG_PATH, loadConfig, parseConfigText } from '../../config/load-config.js';
import { mergeConfig } from '../../config/merge-config.js';
import type { Command, CommandContext } from '../command.js';
import { parseCommandArgs } from '../parse-options.js';

const usage = `Usage: vfkeeper check-config [FILE...]

  Checks configuration files without touching the host: YAML, every key and
  value, and the files together in the order given (as conf.d drop-ins merge).
  With no FILE, checks what vfkeeper reads: --config PATH or
  ${DEFAULT_CONFIG_PATH}, then conf.d/*.yaml beside it. Exit 0 when valid;
  2 with the file, the place and what was expected.`;

/** Each file read and validated on its own, then merged (a later list of relays replaces an earlier one). */
async function checkFiles(files: readonly string[]): Promise<void> {
  const parsed = [];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new ConfigError(
        file,
        '',
        e.code === 'ENOENT' ? 'expected a configuration file; it does not exist' : `expected a readable file: ${e.message}`,
      );
    });
    parsed.push(parseConfigText(file, text));
  }
  mergeConfig(parsed);
}

async function runCheckConfig(ctx: CommandContext): Promise<number> {
  const { positionals } = parseCommandArgs(ctx.args, {}, usage, Number.MAX_SAFE_INTEGER);
  try {
    if (positionals.length > 0) await checkFiles(positionals);
    else await loadConfig(ctx.globals.config);
  } catch (e) {
    if (!isConfigError(e)) throw e;
    ctx.stderr.write(`vfkeeper check-config: ${e.message}\n`);
    return 2;
  }
  const what = positionals.length > 0 ? positionals.join(', ') : `${ctx.globals.config ?? DEFAULT_CONFIG_PATH} and its conf.d`;
  ctx.stdout.write(ctx.globals.json ? `${JSON.stringify({ valid: true, files: positionals })}\n` : `${what}: valid\n`);
  return 0;
}

export const checkConfigCommand: Command = { name: 'check-config', usage, run: runCheckConfig };
