// man/vfkeeper.8 as man(1) and groff show it: renders without a warning and
// carries every section a reader looks for.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { assertPresent, skipWhenMissing } from '../../helpers/requires.js';

const run = promisify(execFile);
const PAGE = new URL('../../../man/vfkeeper.8', import.meta.url).pathname;
const has = async (tool: string) =>
  run('sh', ['-c', 'command -v "$1"', 'sh', tool]).then(
    () => true,
    () => false,
  );
const hasGroff = await has('groff');
const hasMan = await has('man');

describe('man/vfkeeper.8', () => {
  it.skipIf(skipWhenMissing(hasGroff))(`renders with groff without a warning${hasGroff ? '' : ' (skipped: no groff)'}`, async () => {
    assertPresent(hasGroff, 'groff (Debian: groff-base)');
    const { stderr } = await run('groff', ['-man', '-Tutf8', '-ww', '-z', PAGE]);
    expect(stderr).toBe('');
  });

  it.skipIf(skipWhenMissing(hasMan))(`is shown by man -l with every section${hasMan ? '' : ' (skipped: no man)'}`, async () => {
    assertPresent(hasMan, 'man (Debian: man-db)');
    const { stdout } = await run('man', ['-l', PAGE], { env: { ...process.env, MANWIDTH: '100', MANPAGER: 'cat', PAGER: 'cat' } });
    // Not a terminal: man-db leaves out the bold and underline overstrikes.
    const text = stdout;
    for (const heading of [
      'NAME',
      'SYNOPSIS',
      'DESCRIPTION',
      'COMMANDS',
      'GLOBAL OPTIONS',
      'CONFIGURATION',
      'FILES',
      'JOURNAL FIELDS',
      'EXIT STATUS',
    ]) {
      expect(text).toMatch(new RegExp(`^${heading}$`, 'm'));
    }
    for (const command of [
      'daemon',
      'reconcile',
      'status',
      'doctor',
      'hook networkmanager',
      'libvirt-xml',
      'pause',
      'udev-rules',
      'demo',
      'forwarder-emulator',
    ]) {
      expect(text).toMatch(new RegExp(`^ {7}${command}`, 'm'));
    }
    expect(text).toContain('vfkeeper - keeps SR-IOV VFs');
    expect(text).toContain('VFKEEPER_RESULT');
  });
});

describe('man/vfkeeper.8.md, the source', () => {
  it('documents every command the CLI has, and the committed roff is generated from it', async () => {
    const { readFileSync } = await import('node:fs');
    const { commands } = await import('../../../src/cli/commands/index.js');
    const { formatManPage } = await import('../../../src/packaging/man-page.js');
    const source = readFileSync(new URL('../../../man/vfkeeper.8.md', import.meta.url), 'utf8');
    for (const c of commands) expect(source).toMatch(new RegExp(`(^|, )\`${c.name}[\` ]`, 'm'));
    expect(readFileSync(PAGE, 'utf8')).toBe(formatManPage(source));
  });
});
