// The doctor's report as people and scripts read it: cli.md's JSON, or a
// compact table (id, status, evidence) with the fixes listed below it.
import type { CheckStatus, DoctorReport } from './types.js';

const COLOURS: Record<CheckStatus, string> = { pass: '32', warn: '33', fail: '31', skip: '2' };

export function formatDoctorJson(report: DoctorReport): string {
  const checks = report.checks.map(({ id, status, evidence, fix }) => ({ id, status, evidence, fix }));
  return `${JSON.stringify({ checks }, null, 2)}\n`;
}

/** colour: ANSI colours on the status words (only for a terminal, never with NO_COLOR). */
export function formatDoctorHuman(report: DoctorReport, options: { colour: boolean }): string {
  const idWidth = Math.max(5, ...report.checks.map((c) => c.id.length));
  const paint = (status: CheckStatus, text: string): string => (options.colour ? `\x1b[${COLOURS[status]}m${text}\x1b[0m` : text);
  const lines =
    report.root === '/'
      ? []
      : [`Checking the files under ${report.root} (the paths below are inside it); what only the live host can answer is skipped.`, ''];
  lines.push(`${'CHECK'.padEnd(idWidth)}  STATUS  EVIDENCE`);
  for (const c of report.checks) {
    lines.push(`${c.id.padEnd(idWidth)}  ${paint(c.status, c.status.toUpperCase().padEnd(6))}  ${c.evidence}`);
  }
  const fixes = report.checks.filter((c) => c.fix !== '' && (c.status === 'fail' || c.status === 'warn'));
  if (fixes.length > 0) {
    lines.push('', 'Fixes:');
    for (const c of fixes) {
      const [first, ...rest] = c.fix.split('\n');
      lines.push(`  ${c.id}: ${first ?? ''}`, ...rest.map((l) => `      ${l}`));
    }
  }
  const count = (s: CheckStatus): number => report.checks.filter((c) => c.status === s).length;
  lines.push('', `${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed, ${count('skip')} skipped`);
  return `${lines.join('\n')}\n`;
}

/** Colour only for a terminal, and never when NO_COLOR is set (no-color.org). */
export function isColourWanted(stream: object, env: Record<string, string | undefined>): boolean {
  return 'isTTY' in stream && stream.isTTY === true && (env['NO_COLOR'] ?? '') === '';
}
