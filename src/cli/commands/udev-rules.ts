// `vfkeeper udev-rules`: prints the udev rules for the current configuration,
// the same text as the shipped 70-vfkeeper.rules when the configuration is the
// built-in one. The configuration comes in through readConfig, so the CLI's
// composition root hands over its loader; alone it uses the built-in defaults.
import type { Command, CommandContext, GlobalOptions } from '../command.js';
import { defaultConfig, type Config } from '../../model/config.js';
import { isConfigError } from '../../config/config-error.js';
import { formatUdevRules, UDEV_RULES_NAME } from '../../packaging/udev-rules.js';

export type ReadConfig = (globals: GlobalOptions) => Promise<Config>;

const USAGE = `Usage: vfkeeper udev-rules [--json]

  Prints the udev rules that start vfkeeper when a managed PF appears and keep
  NetworkManager off its VFs, for the current configuration. Save the output
  as /etc/udev/rules.d/${UDEV_RULES_NAME} to override the shipped rules, then
  run: udevadm control --reload`;

async function runUdevRules(ctx: CommandContext, readConfig: ReadConfig): Promise<number> {
  if (ctx.args.includes('--help')) {
    ctx.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (ctx.args.length > 0) {
    ctx.stderr.write(`vfkeeper udev-rules: unexpected argument "${ctx.args[0] ?? ''}"\n${USAGE}\n`);
    return 2;
  }
  try {
    const rules = formatUdevRules(await readConfig(ctx.globals));
    ctx.stdout.write(ctx.globals.json ? `${JSON.stringify({ name: UDEV_RULES_NAME, rules })}\n` : rules);
    return 0;
  } catch (e) {
    if (!isConfigError(e)) throw e;
    ctx.stderr.write(`vfkeeper udev-rules: ${e.message}\n${e.hint === undefined ? '' : `hint: ${e.hint}\n`}`);
    return 2;
  }
}

export function makeUdevRulesCommand(readConfig: ReadConfig = () => Promise.resolve(defaultConfig())): Command {
  return {
    name: 'udev-rules',
    usage: USAGE,
    run: (ctx) => runUdevRules(ctx, readConfig),
  };
}

export const udevRulesCommand: Command = makeUdevRulesCommand();
