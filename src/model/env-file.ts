// Shell-style KEY=VALUE files (/etc/default/virtioforwarder, /etc/os-release),
// parsed the way sh would assign them, without running anything: comments,
// `export`, single and double quotes, backslash escapes, and bash arrays
// `(a b)` kept as their raw text. A line sh would not take as an assignment
// is reported, not fatal.

export interface EnvFile {
  vars: Map<string, string>;
  /** Lines that are not a plain assignment, 1-based. */
  problems: Array<{ line: number; text: string }>;
}

const ASSIGN = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

export function parseEnvFile(text: string): EnvFile {
  const vars = new Map<string, string>();
  const problems: EnvFile['problems'] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const m = ASSIGN.exec(line);
    const value = m?.[1] === undefined ? null : parseShellValue(m[2] ?? '');
    if (m?.[1] === undefined || value === null) {
      problems.push({ line: i + 1, text: raw });
      return;
    }
    vars.set(m[1], value);
  });
  return { vars, problems };
}

/** The value of one assignment's right-hand side; null when sh would read more than one word. */
export function parseShellValue(rhs: string): string | null {
  if (rhs.startsWith('(')) {
    const end = rhs.indexOf(')');
    return end < 0 ? null : isRestBlank(rhs.slice(end + 1)) ? rhs.slice(0, end + 1) : null;
  }
  let out = '';
  let i = 0;
  while (i < rhs.length) {
    const c = rhs[i] ?? '';
    if (c === ' ' || c === '\t') return isRestBlank(rhs.slice(i)) ? out : null;
    if (c === "'") {
      const end = rhs.indexOf("'", i + 1);
      if (end < 0) return null;
      out += rhs.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const r = readDoubleQuoted(rhs, i + 1);
      if (r === null) return null;
      out += r.text;
      i = r.next;
    } else if (c === '\\') {
      out += rhs[i + 1] ?? '';
      i += 2;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

function readDoubleQuoted(s: string, start: number): { text: string; next: number } | null {
  let text = '';
  for (let i = start; i < s.length; i++) {
    const c = s[i] ?? '';
    if (c === '"') return { text, next: i + 1 };
    const n = s[i + 1] ?? '';
    if (c === '\\' && '"\\$`'.includes(n) && n !== '') {
      text += n;
      i += 1;
    } else {
      text += c;
    }
  }
  return null;
}

/** Only blanks, then optionally a comment. */
function isRestBlank(rest: string): boolean {
  const t = rest.trimStart();
  return t === '' || t.startsWith('#');
}
