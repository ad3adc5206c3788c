// Node's file-system errors, described once: the errno name and a short
// reason a user can act on ("does not exist", "permission denied").
import { errnoOf } from '../model/errno.js';

const REASONS: Record<string, string> = {
  ENOENT: 'does not exist',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ELOOP: 'too many levels of symbolic links',
  EINVAL: 'invalid argument',
};

/** "/proc/cmdline does not exist", "/etc/x: permission denied (EACCES)". */
export function describeFsError(path: string, e: unknown): string {
  const errno = errnoOf(e);
  if (errno === 'ENOENT') return `${path} does not exist`;
  if (errno !== undefined) return `${path}: ${REASONS[errno] ?? 'cannot be read'} (${errno})`;
  return `${path}: ${e instanceof Error ? e.message : String(e)}`;
}
