import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatManPage } from '../../../src/packaging/man-page.js';

const TITLE = '% tool(8) | tool | System Administration';

describe('formatManPage', () => {
  it('produces exactly the committed man/vfkeeper.8 from man/vfkeeper.8.md', () => {
    const source = readFileSync(new URL('../../../man/vfkeeper.8.md', import.meta.url), 'utf8');
    const roff = readFileSync(new URL('../../../man/vfkeeper.8', import.meta.url), 'utf8');
    expect(formatManPage(source)).toBe(roff);
  });

  it('writes the title, sections, paragraphs and a NAME line apropos can read', () => {
    const roff = formatManPage(`${TITLE}\n\n# Name\n\ntool - does things\n\n## More\n\nA line\nand another.\n`);
    expect(roff.split('\n')).toEqual([
      '.\\" Generated from tool.8.md by src/packaging/man-page.ts; edit that file instead.',
      '.TH "TOOL" "8" "" "tool" "System Administration"',
      '.SH "NAME"',
      '.PP',
      'tool \\- does things',
      '.SS "More"',
      '.PP',
      'A line',
      'and another.',
      '',
    ]);
  });

  it('turns terms with ": " definitions into tagged paragraphs, code into bold minus signs', () => {
    const roff = formatManPage(`${TITLE}\n\n\`--dry-run\` *N*\n: Prints the plan,\n  changes **nothing**.\n`);
    expect(roff).toContain('.TP\n\\fB\\-\\-dry\\-run\\fR \\fIN\\fR\nPrints the plan,\nchanges \\fBnothing\\fR.\n');
  });

  it('keeps literal blocks as they are, and never lets a line start a request', () => {
    const roff = formatManPage(`${TITLE}\n\n    .startswith dot\n    a\\\\b --x\n\n'quoted\n`);
    expect(roff).toContain('.RS 4\n.nf\n\\&.startswith dot\na\\e\\eb \\-\\-x\n.fi\n.RE\n');
    expect(roff).toContain(".PP\n\\&'quoted\n");
  });

  it('writes bullet lists, joining continuation lines', () => {
    const roff = formatManPage(`${TITLE}\n\n- one\n  more\n- two\n`);
    expect(roff).toContain('.IP \\(bu 2\none more\n.IP \\(bu 2\ntwo\n');
  });

  it('refuses a source without a title line', () => {
    expect(() => formatManPage('# NAME\n')).toThrow(/first line is not a title line/);
  });
});
