// A README ```console block as a walk: each `$ ` line is a command (with the
// here-document lines after it, up to their terminator), the lines after it
// its output as the README shows it. Run in one bash, one command at a time,
// each command's output (stdout and stderr, in order) collected apart.
import { spawnSync } from 'node:child_process';

export interface WalkStep {
  command: string;
  expected: string;
}

/** The first ```console block after the line containing `heading`. */
export function extractConsoleBlock(markdown: string, heading: string): string {
  const from = markdown.indexOf(heading);
  const start = markdown.indexOf('```console\n', from);
  const end = markdown.indexOf('\n```', start + 11);
  if (from < 0 || start < 0 || end < 0) throw new Error(`no \`\`\`console block after "${heading}"`);
  return markdown.slice(start + 11, end + 1);
}

export function parseWalk(block: string): WalkStep[] {
  const steps: WalkStep[] = [];
  const lines = block.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (!line.startsWith('$ ')) {
      const last = steps.at(-1);
      if (last) last.expected += `${line}\n`;
      continue;
    }
    const command = [line.slice(2)];
    const heredoc = /<<-?'?(\w+)'?/.exec(line)?.[1];
    while (heredoc !== undefined && i + 1 < lines.length && lines[i] !== heredoc) command.push(lines[++i] ?? '');
    steps.push({ command: command.join('\n'), expected: '' });
  }
  for (const s of steps) s.expected = s.expected.replace(/\n+$/, s.expected.trim() === '' ? '' : '\n');
  return steps;
}

const MARK = '@@vfkeeper-walk-step@@';

/** Runs every step in one bash (cwd, variables and jobs carry over); returns each step's output. */
export function runWalk(steps: WalkStep[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): string[] {
  const script = steps.map((s) => `echo '${MARK}'\n${s.command}\n`).join('');
  // Whatever the walk left running in the background (it ends with kill %1 when all goes well).
  const cleanup = 'kill $(jobs -p) 2>/dev/null; wait';
  const r = spawnSync('bash', ['-c', `exec 2>&1\n${script}echo '${MARK}'\n${cleanup}`], {
    cwd: options.cwd,
    env: options.env,
    encoding: 'utf8',
    timeout: options.timeoutMs,
  });
  if (r.error) throw r.error;
  return r.stdout.split(`${MARK}\n`).slice(1, steps.length + 1);
}
