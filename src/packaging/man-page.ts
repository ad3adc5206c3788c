// A Markdown subset to man(7) roff, for man/vfkeeper.8.md -> man/vfkeeper.8
// (`make man/vfkeeper.8`). Small on purpose, so no document toolchain joins
// the build. Pure. The subset:
//   % name(section) | source | manual        first line: the title
//   # NAME / ## Name                          section / subsection
//   text lines                                a paragraph (roff fills it)
//   term line, then ": definition" lines      a tagged paragraph (.TP)
//   "- " lines                                a bullet list
//   lines indented by four spaces             a literal block
//   `code` and **bold** (bold), *word* (italic)
import { VfkeeperError } from '../model/errors.js';

type Block =
  | { kind: 'section'; text: string }
  | { kind: 'subsection'; text: string }
  | { kind: 'paragraph'; lines: string[] }
  | { kind: 'definition'; term: string; lines: string[] }
  | { kind: 'bullets'; items: string[] }
  | { kind: 'literal'; lines: string[] };

const TITLE = /^% *([A-Za-z0-9_.-]+)\((\d)\) *\| *([^|]*?) *\| *(.*?) *$/;

/** roff's escape character, and dashes that must stay ASCII minus signs when copied. */
function escapeRoff(text: string, dashes: boolean): string {
  const escaped = text.replace(/\\/g, '\\e');
  return dashes ? escaped.replace(/-/g, '\\-') : escaped;
}

/** A line that begins with . or ' would be read as a request. */
function formatLine(line: string): string {
  return /^[.']/.test(line) ? `\\&${line}` : line;
}

function formatInline(text: string): string {
  const parts = text.split(/(`[^`]+`|\*\*[^*]+\*\*|\*[^*\s][^*]*\*)/);
  return parts
    .map((part) => {
      if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return `\\fB${escapeRoff(part.slice(1, -1), true)}\\fR`;
      if (part.startsWith('**') && part.length > 4) return `\\fB${escapeRoff(part.slice(2, -2), true)}\\fR`;
      if (part.startsWith('*') && part.length > 2) return `\\fI${escapeRoff(part.slice(1, -1), false)}\\fR`;
      // A spaced hyphen is a dash: apropos reads "name \- summary" in NAME.
      return escapeRoff(part, false).replace(/ - /g, ' \\- ');
    })
    .join('');
}

function parseParagraph(lines: string[]): Block {
  const [first, second] = lines;
  if (first !== undefined && second?.startsWith(': ')) {
    const rest = lines.slice(1).map((l, i) => (i === 0 ? l.slice(2) : l.trim()));
    return { kind: 'definition', term: first, lines: rest };
  }
  if (lines.every((l) => l.startsWith('- ') || l.startsWith('  '))) {
    const items: string[] = [];
    for (const l of lines) {
      if (l.startsWith('- ')) items.push(l.slice(2));
      else items[items.length - 1] = `${items[items.length - 1] ?? ''} ${l.trim()}`;
    }
    return { kind: 'bullets', items };
  }
  return { kind: 'paragraph', lines };
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    const literal = chunk.every((l) => l.startsWith('    '));
    blocks.push(literal ? { kind: 'literal', lines: chunk.map((l) => l.slice(4)) } : parseParagraph(chunk));
    chunk = [];
  };
  for (const line of lines) {
    if (line.startsWith('## ')) {
      flush();
      blocks.push({ kind: 'subsection', text: line.slice(3) });
    } else if (line.startsWith('# ')) {
      flush();
      blocks.push({ kind: 'section', text: line.slice(2) });
    } else if (line.trim() === '') flush();
    else chunk.push(line);
  }
  flush();
  return blocks;
}

function formatBlock(block: Block): string[] {
  switch (block.kind) {
    case 'section':
      return [`.SH "${escapeRoff(block.text.toUpperCase(), false)}"`];
    case 'subsection':
      return [`.SS "${escapeRoff(block.text, false)}"`];
    case 'paragraph':
      return ['.PP', ...block.lines.map((l) => formatLine(formatInline(l.trim())))];
    case 'definition':
      return ['.TP', formatLine(formatInline(block.term)), ...block.lines.map((l) => formatLine(formatInline(l)))];
    case 'bullets':
      return block.items.flatMap((item) => ['.IP \\(bu 2', formatLine(formatInline(item))]);
    case 'literal':
      return ['.PP', '.RS 4', '.nf', ...block.lines.map((l) => formatLine(escapeRoff(l, true))), '.fi', '.RE'];
  }
}

/** The roff page for a Markdown-subset source; throws on a missing title line. */
export function formatManPage(source: string): string {
  const lines = source.replace(/\r\n/g, '\n').split('\n');
  const title = TITLE.exec(lines[0] ?? '');
  if (!title) {
    throw new VfkeeperError('ERR_MAN_SOURCE', 'man page source: the first line is not a title line', {
      at: 'line 1',
      hint: 'begin with "% name(section) | source | manual", e.g. "% vfkeeper(8) | vfkeeper | System Administration"',
    });
  }
  const [, name = '', section = '', sourceName = '', manual = ''] = title;
  const head = [
    `.\\" Generated from ${name}.${section}.md by src/packaging/man-page.ts; edit that file instead.`,
    `.TH "${name.toUpperCase()}" "${section}" "" "${escapeRoff(sourceName, false)}" "${escapeRoff(manual, false)}"`,
  ];
  return [...head, ...parseBlocks(lines.slice(1)).flatMap(formatBlock), ''].join('\n');
}
