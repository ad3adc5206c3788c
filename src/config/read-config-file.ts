// Reading a configuration file as a root service must: the file, its
// drop-in directory and the directory holding them may be changed only by
// root (or, for a user trying a file of their own, by that user), as sshd's
// StrictModes and sudo's sudoers checks require. A directory writable by
// others is accepted only with the sticky bit (/tmp: others cannot replace
// what is in it). The file is checked through the descriptor it is read
// from, so what was checked is what is read; it must be UTF-8 and at most
// MAX_CONFIG_BYTES. Every refusal is a ConfigError (exit 2) naming the path
// and its mode or owner.
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { isAbsent } from '../model/errno.js';
import { ConfigError } from './config-error.js';

/** Far above any real configuration; a bigger file is a mistake or an attack. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

const GROUP_OTHER_WRITE = 0o022;
// S_ISVTX (node's fs.constants lacks it).
const STICKY = 0o1000;
const octal = (mode: number): string => `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;

/** Who may own configuration: root, and the user running this command (a no-op distinction when that is root). */
function trustedOwners(): ReadonlySet<number> {
  return new Set([0, process.getuid?.() ?? 0]);
}

/** Refuses a file or directory that someone other than root (or the caller) could change. */
export function checkConfigMode(path: string, st: Stats, what: 'file' | 'directory'): void {
  const fix = `chown root:root ${path} && chmod go-w ${path}`;
  if (!trustedOwners().has(st.uid)) {
    throw new ConfigError(path, '', `refusing a configuration ${what} owned by uid ${st.uid}, not root (mode ${octal(st.mode)}): ${fix}`);
  }
  const sticky = what === 'directory' && (st.mode & STICKY) !== 0;
  if ((st.mode & GROUP_OTHER_WRITE) !== 0 && !sticky) {
    throw new ConfigError(path, '', `refusing a configuration ${what} writable by group or others (mode ${octal(st.mode)}): ${fix}`);
  }
}

/** The directory checked, or false when it does not exist. */
export async function checkConfigDirectory(dir: string): Promise<boolean> {
  let st: Stats;
  try {
    st = await stat(dir);
  } catch (e) {
    if (isAbsent(e)) return false;
    throw new ConfigError(dir, '', `expected a readable directory: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) throw new ConfigError(dir, '', 'expected a directory');
  checkConfigMode(dir, st, 'directory');
  return true;
}

/** The file's text, checked; null when it does not exist. */
export async function readConfigFile(file: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    if (isAbsent(e)) return null;
    // O_NOFOLLOW: a symlink fails with ELOOP; follow it once, as the target is checked below.
    if ((e as NodeJS.ErrnoException).code !== 'ELOOP') throw unreadable(file, e);
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: unknown) => Promise.reject(unreadable(file, err)));
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ConfigError(file, '', 'expected a regular file');
    checkConfigMode(file, st, 'file');
    if (st.size > MAX_CONFIG_BYTES) throw new ConfigError(file, '', `expected at most ${MAX_CONFIG_BYTES} bytes, the file has ${st.size}`);
    return decodeUtf8(file, await handle.readFile());
  } finally {
    await handle.close();
  }
}

function unreadable(file: string, e: unknown): ConfigError {
  return new ConfigError(file, '', `expected a readable file: ${(e as Error).message}`);
}

/** Strict UTF-8: a byte sequence that is not UTF-8 is reported with its line, never replaced with U+FFFD. */
export function decodeUtf8(file: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const line = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1;
    throw new ConfigError(file, `line ${line}`, `expected UTF-8 text; byte ${bad} (0x${(bytes[bad] ?? 0).toString(16)}) is not`);
  }
}

/** Where the first byte sequence that is not UTF-8 starts (only called once decoding failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (let i = 0; i < bytes.length;) {
    const c = bytes[i] ?? 0;
    const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n === 0) return i;
    try {
      decoder.decode(bytes.subarray(i, i + n)); // overlong forms and surrogates fail here
    } catch {
      return i;
    }
    i += n;
  }
  return bytes.length;
}
