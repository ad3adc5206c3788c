// Network interface names as the kernel accepts them (dev_valid_name in
// net/core/dev.c): 1 to 15 bytes, not "." or "..", no '/', ':' or
// whitespace. Names reach us from hook arguments, the environment, the
// control socket and udev records, so we are stricter than the kernel: a
// name with shell metacharacters or control characters is never a real
// interface here and is rejected before it can travel any further.
import { VfkeeperError } from '../model/errors.js';

/** IFNAMSIZ is 16 bytes including the terminating NUL. */
export const MAX_NETDEV_BYTES = 15;

// Shell metacharacters and quotes: `$(reboot)`, `a;b`, `x|y`, backticks...
const SHELL_META = /[$`;&|<>()\\'"*?[\]{}~!#]/;
// Whitespace and control characters (the kernel's isspace, plus C0 and DEL).
// eslint-disable-next-line no-control-regex
const SPACE_OR_CONTROL = /[\s\x00-\x1f\x7f]/;

const utf8 = new TextEncoder();

/** Why a name is not a valid interface name, or null when it is. */
export function checkNetdevName(name: string): string | null {
  const bytes = utf8.encode(name).length;
  if (bytes === 0) return 'it is empty';
  if (bytes > MAX_NETDEV_BYTES) return `it is ${bytes} bytes long, the kernel allows at most ${MAX_NETDEV_BYTES}`;
  if (name === '.' || name === '..') return `"${name}" is reserved`;
  if (name.includes('/')) return "it contains '/'";
  if (name.includes(':')) return "it contains ':'";
  if (SPACE_OR_CONTROL.test(name)) return 'it contains whitespace or a control character';
  if (SHELL_META.test(name)) return 'it contains a shell metacharacter';
  return null;
}

export function isNetdevName(name: string): boolean {
  return checkNetdevName(name) === null;
}

/** The name unchanged, or ERR_NETDEV_NAME naming it, where it came from and why it is refused. */
export function parseNetdevName(name: string, where = 'interface name'): string {
  const why = checkNetdevName(name);
  if (why === null) return name;
  throw new VfkeeperError('ERR_NETDEV_NAME', `${where}: ${JSON.stringify(name)} is not a valid interface name: ${why}`, {
    netdev: name,
    hint: "an interface name is 1-15 bytes without whitespace, '/', ':' or shell metacharacters, e.g. enp2s0np0",
  });
}
