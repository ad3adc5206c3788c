// Reading the configuration: the main file, then conf.d/*.yaml beside it in
// name order. An absent default file means built-in defaults; an absent
// file named with --config is an error. Every error names the file, the
// place in the document, and what was expected (ConfigError, exit 2).
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Config } from '../model/config.js';
import { ConfigError } from './config-error.js';
import { mergeConfig, type ParsedFile } from './merge-config.js';
import { fileSchema } from './schema.js';
import { formatIssueMessage, formatIssuePath } from './format-issue.js';

export const DEFAULT_CONFIG_PATH = '/etc/vfkeeper/vfkeeper.yaml';

export async function loadConfig(path: string | undefined): Promise<Config> {
  const main = path ?? DEFAULT_CONFIG_PATH;
  const files: ParsedFile[] = [];
  const text = await readOptional(main);
  if (text === null && path !== undefined) throw new ConfigError(main, '', 'expected a configuration file; it does not exist');
  if (text !== null) files.push(parseConfigText(main, text));
  for (const name of await listDropIns(join(dirname(main), 'conf.d'))) {
    const file = join(dirname(main), 'conf.d', name);
    files.push(parseConfigText(file, (await readOptional(file)) ?? ''));
  }
  return mergeConfig(files);
}

/** Parse and validate one file's text (pure but for the error it may throw). */
export function parseConfigText(file: string, text: string): ParsedFile {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    throw new ConfigError(
      file,
      pos ? `line ${pos.line}, column ${pos.col}` : '',
      `expected valid YAML: ${(yamlError.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
    );
  }
  const value: unknown = doc.toJS() ?? {};
  const result = fileSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(file, issue ? formatIssuePath(issue) : '', issue ? formatIssueMessage(issue) : 'expected a mapping');
  }
  return { file, doc: result.data };
}

async function readOptional(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(file, '', `expected a readable file: ${(e as Error).message}`);
  }
}

async function listDropIns(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch {
    return [];
  }
}
