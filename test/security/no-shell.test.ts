// No code path builds a shell command line: nothing in src runs a shell
// (exec, execSync, shell: true, sh -c), and the one runner of system tools
// passes an argument vector to execFile. A name from a hook, a udev record
// or the configuration can then never be read by a shell.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Lines of src that would run a shell, with file and line number. */
function shellUses(): string[] {
  const found: string[] = [];
  const patterns = [
    /shell\s*:\s*(true|['"`])/, // spawn/execFile options
    /(?<![.\w])exec(Sync)?\s*\(/, // child_process.exec / execSync (not RegExp.prototype.exec)
    /\bimport\s*{[^}]*\bexec(Sync)?\b[^}]*}\s*from\s*['"]node:child_process['"]/,
    /['"`](\/bin\/)?(ba|da)?sh['"`]\s*,\s*\[\s*['"`]-c/, // spawn('sh', ['-c', ...])
  ];
  for (const file of sources(SRC)) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (patterns.some((p) => p.test(line))) found.push(`${relative(SRC, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  return found;
}

describe('no shell command lines', () => {
  it('finds the patterns it looks for (the scan itself works)', () => {
    const lines = ["spawn('sh', ['-c', cmd])", "execSync('ip link')", '{ shell: true }', "import { exec } from 'node:child_process';"];
    const patterns = [
      /shell\s*:\s*(true|['"`])/,
      /(?<![.\w])exec(Sync)?\s*\(/,
      /\bexec\b/,
      /['"`](\/bin\/)?(ba|da)?sh['"`]\s*,\s*\[\s*['"`]-c/,
    ];
    for (const line of lines) expect(patterns.some((p) => p.test(line))).toBe(true);
    expect(/(?<![.\w])exec(Sync)?\s*\(/.test('const m = FULL.exec(s);')).toBe(false);
  });

  it('nothing in src runs a shell', () => {
    expect(shellUses()).toEqual([]);
  });

  it('runTool hands an argument vector to execFile, with no shell option', () => {
    const text = readFileSync(join(SRC, 'host/real/run-tool.ts'), 'utf8');
    expect(text).toMatch(/import { execFile } from 'node:child_process';/);
    expect(text).toMatch(/execFile\(command, args, {/);
    expect(text).not.toMatch(/shell\s*:/);
  });
});
