// `vfkeeper firmware --fix --initramfs`: after the links, rebuild the
// running kernel's initramfs, so that a driver (nfp) that is in there loads
// the firmware the links now name at the next boot. One planned step, run
// by argument vector (update-initramfs -u -k RELEASE), logged once with its
// outcome. Never aimed at this machine's /boot on behalf of another root or
// a simulated host: there it runs only a program named explicitly
// (VFKEEPER_UPDATE_INITRAMFS), which tests point at a fake.
import { DEFAULT_INITRAMFS_TOOLS, refreshInitramfs } from '../../host/initramfs.js';
import { readKernelRelease } from '../../host/doctor-probes.js';
import { messageIdFor } from '../../journal/message-ids.js';
import { Priority, type Logger } from '../../journal/types.js';
import { asVfkeeperError } from '../../model/errors.js';
import { initramfsFileOf, updateInitramfsArgs } from '../../model/initramfs.js';

export const UPDATE_INITRAMFS_ENV = 'VFKEEPER_UPDATE_INITRAMFS';

export interface InitramfsOutcome {
  release: string;
  file: string;
  command: string[];
  /** ok / failed: what update-initramfs did; skipped: not run (the links are not right yet). */
  result: 'ok' | 'failed' | 'skipped';
  why: string;
  error?: string;
}

export interface InitramfsStep {
  release: string;
  program: string;
}

/**
 * What would run, or why it may not: the program is `update-initramfs` on
 * the live host; anywhere else (--root, --simulate, --sysfs-root) only an
 * explicitly named one.
 */
export function planInitramfsStep(
  where: { liveHost: boolean; root: string },
  env: NodeJS.ProcessEnv,
  given: { program?: string; kernelRelease?: string },
): InitramfsStep | { refused: string } {
  const program = given.program ?? env[UPDATE_INITRAMFS_ENV] ?? null;
  if (!where.liveHost && (program === null || program === '')) {
    const place = where.root === '/' ? 'a simulated host or another sysfs tree' : `--root ${where.root}`;
    return {
      refused:
        `--initramfs with ${place} would rebuild this machine's initramfs in /boot, not that host's: ` +
        `run it on the host itself, or name the program to run in ${UPDATE_INITRAMFS_ENV}`,
    };
  }
  return { release: given.kernelRelease ?? readKernelRelease(), program: program ?? DEFAULT_INITRAMFS_TOOLS.updateInitramfs };
}

export async function applyInitramfsStep(step: InitramfsStep, linksRight: string | null, logger: Logger): Promise<InitramfsOutcome> {
  const base = {
    release: step.release,
    file: initramfsFileOf(step.release),
    command: [step.program, ...updateInitramfsArgs(step.release)],
    why: 'so the next boot loads the firmware the links name, not the copy in the initramfs',
  };
  if (linksRight !== null) return { ...base, result: 'skipped', why: linksRight };
  const fields = { VFKEEPER_STEP: 'refresh-initramfs', KERNEL_RELEASE: step.release, INITRAMFS: base.file };
  try {
    await refreshInitramfs(step.release, { ...DEFAULT_INITRAMFS_TOOLS, updateInitramfs: step.program });
  } catch (e) {
    const err = asVfkeeperError(e);
    const error = `${err.message}${err.hint === undefined ? '' : ` (${err.hint})`}`;
    logger.log({
      priority: Priority.err,
      message: `Refreshing the initramfs of ${step.release} failed: ${err.message}`,
      messageId: messageIdFor('initramfs.refresh-failed'),
      fields: { ...fields, VFKEEPER_RESULT: 'failed', ERRNO: err.context.errno },
    });
    return { ...base, result: 'failed', error };
  }
  logger.log({
    priority: Priority.notice,
    message: `Refreshed the initramfs of ${step.release} (${base.command.join(' ')}): the next boot loads the firmware the links name`,
    messageId: messageIdFor('initramfs.refreshed'),
    fields: { ...fields, VFKEEPER_RESULT: 'ok' },
  });
  return { ...base, result: 'ok' };
}

/** The human lines for the step. */
export function formatInitramfsHuman(o: InitramfsOutcome): string {
  const command = o.command.join(' ');
  if (o.result === 'ok') return `refreshed ${o.file} (${command}): the next boot loads the firmware the links name\n`;
  if (o.result === 'skipped') return `not run  ${command}: ${o.why}\n`;
  return `failed   ${command}: ${o.error ?? 'unknown error'}\n${o.file} may still hold the old firmware: fix the error and run vfkeeper firmware --fix --initramfs again.\n`;
}
