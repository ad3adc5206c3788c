// Reads a systemd message catalog (man 7 sd-journal, "catalog" format) into
// entries, strictly enough that a malformed entry fails the test that reads
// it: `-- <32 hex>` opens an entry, header lines up to the first blank line,
// then the body. `#` lines are comments; the one just above an entry is
// kept as its label (units/vfkeeper.catalog names the key there).
export interface CatalogEntry {
  id: string;
  label: string | null;
  headers: Record<string, string>;
  body: string;
  line: number;
}

const ID_LINE = /^-- ([0-9a-f]{32})(?: \S+)?$/;

export function parseCatalog(text: string): CatalogEntry[] {
  const entries: CatalogEntry[] = [];
  let current: CatalogEntry | null = null;
  let inBody = false;
  let lastComment: string | null = null;
  text.split('\n').forEach((line, index) => {
    if (line.startsWith('#')) {
      lastComment = line.replace(/^#\s*/, '');
      return;
    }
    const opened = ID_LINE.exec(line);
    if (opened?.[1] !== undefined) {
      current = { id: opened[1], label: lastComment, headers: {}, body: '', line: index + 1 };
      entries.push(current);
      inBody = false;
      return;
    }
    lastComment = null;
    if (current === null) {
      if (line.trim() !== '') throw new Error(`line ${index + 1}: text before the first entry`);
      return;
    }
    if (!inBody) inBody = readHeader(current, line, index + 1);
    else current.body += `${line}\n`;
  });
  for (const entry of entries) entry.body = entry.body.trim();
  return entries;
}

/** Adds a header line; returns true at the blank line that ends the headers. */
function readHeader(entry: CatalogEntry, line: string, lineNumber: number): boolean {
  if (line === '') return true;
  const match = /^([A-Za-z-]+): (.+)$/.exec(line);
  if (match?.[1] === undefined || match[2] === undefined) throw new Error(`line ${lineNumber}: not a "Name: value" header: ${line}`);
  entry.headers[match[1]] = match[2];
  return false;
}
