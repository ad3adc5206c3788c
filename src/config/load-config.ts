// Reading the configuration: the main file, then conf.d/*.yaml beside it in
// name order. An absent default file means built-in defaults; an absent
// file named with --config is an error. Every error names the file, the
// place in the document, and what was expected (ConfigError, exit 2).
// Files and directories others could change are refused (read-config-file.ts).
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { isAbsent } from '../model/errno.js';
import { checkConfigDirectory, readConfigFile } from './read-config-file.js';
import type { Config } from '../model/config.js';
import { ConfigError } from './config-error.js';
import { mergeConfig, type ParsedFile } from './merge-config.js';
import { fileSchema } from './schema.js';
import { formatIssueMessage, formatIssuePath } from './format-issue.js';

export const DEFAULT_CONFIG_PATH = '/etc/vfkeeper/vfkeeper.yaml';
/** Aliases a configuration may use; a real one uses a handful. */
const MAX_ALIASES = 100;

export async function loadConfig(path: string | undefined): Promise<Config> {
  const main = path ?? DEFAULT_CONFIG_PATH;
  const dir = dirname(main);
  const dropIns = join(dir, 'conf.d');
  const files: ParsedFile[] = [];
  if (!(await checkConfigDirectory(dir))) {
    if (path !== undefined) throw new ConfigError(main, '', 'expected a configuration file; it does not exist');
    return mergeConfig(files);
  }
  const text = await readConfigFile(main);
  if (text === null && path !== undefined) throw new ConfigError(main, '', 'expected a configuration file; it does not exist');
  if (text !== null) files.push(parseConfigText(main, text));
  if (await checkConfigDirectory(dropIns)) {
    for (const name of await listDropIns(dropIns)) {
      const file = join(dropIns, name);
      files.push(parseConfigText(file, (await readConfigFile(file)) ?? ''));
    }
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
  const value = toPlain(file, doc);
  const result = fileSchema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(file, issue ? formatIssuePath(issue) : '', issue ? formatIssueMessage(issue) : 'expected a mapping');
  }
  return { file, doc: result.data };
}

/**
 * The document as plain data. Aliases are bounded (the yaml library's
 * maxAliasCount, a ReferenceError past it): an alias bomb is a configuration
 * error, not a crash.
 */
function toPlain(file: string, doc: Document): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIASES }) ?? {};
  } catch (e) {
    throw new ConfigError(file, '', `expected a plain document: ${(e as Error).message}`);
  }
}

async function listDropIns(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  } catch (e) {
    if (isAbsent(e)) return [];
    throw new ConfigError(dir, '', `expected a readable directory: ${(e as Error).message}`);
  }
}
