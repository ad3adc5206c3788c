// A real (small) initramfs for tests: a tree written to a temporary
// directory, archived by cpio (newc, as mkinitramfs makes it) and gzipped,
// so lsinitramfs lists it as it lists a real one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, lstatSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { tempDir } from './temp.js';

/** Path in the image -> file contents, or { link } for a symbolic link. */
export type InitramfsTree = Record<string, string | { link: string }>;

export function writeInitramfs(file: string, tree: InitramfsTree): void {
  const t = tempDir('vfk-initramfs-');
  try {
    for (const [path, content] of Object.entries(tree)) {
      const at = join(t.dir, path);
      mkdirSync(dirname(at), { recursive: true });
      if (typeof content === 'string') writeFileSync(at, content);
      else symlinkSync(content.link, at);
    }
    const names = listTree(t.dir, '.');
    const cpio = execFileSync('cpio', ['--quiet', '-o', '-H', 'newc'], { cwd: t.dir, input: `${names.join('\n')}\n` });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, gzipSync(cpio));
  } finally {
    t.remove();
  }
}

function listTree(base: string, rel: string): string[] {
  const out = [rel];
  if (!lstatSync(join(base, rel)).isDirectory()) return out;
  for (const name of readdirSync(join(base, rel)).sort()) out.push(...listTree(base, join(rel, name)));
  return out;
}

/** An executable stand-in for update-initramfs (or any program): records its argv, one per line, in `log`, and exits `status`. */
export function writeFakeProgram(path: string, log: string, status = 0, stderr = ''): void {
  rmSync(path, { force: true });
  mkdirSync(dirname(path), { recursive: true });
  const script = [
    '#!/bin/sh',
    `for a in "$@"; do printf '%s\\n' "$a"; done >> '${log}'`,
    stderr === '' ? '' : `printf '%s\\n' '${stderr}' >&2`,
    `exit ${status}`,
    '',
  ].join('\n');
  writeFileSync(path, script, { mode: 0o755 });
}
