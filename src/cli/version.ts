// `vfkeeper --version`: the version in the project's package.json, two
// levels above this file as built (dist/cli/, dist/bundle/, dist/bundle-status/ or dist/bundle-cli/).
import { readFileSync } from 'node:fs';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
