// A negative errno from libsystemd (-111) as its name (ECONNREFUSED).
import { constants } from 'node:os';

export function formatErrno(rc: number): string {
  const code = Math.abs(rc);
  for (const [name, value] of Object.entries(constants.errno)) if (value === code) return name;
  return `errno ${code}`;
}
